import { usable } from "./helpers";
import { expect, test } from "./fixtures";

const cards = ".organization-card";
// Other tests create organizations in the same store; the demo's four are always there.
const DEMO = ["Rust Berlin", "Rust Lisbon", "Rust London", "Rust NYC"];

async function expectAllDemoOrganizations(page: import("@playwright/test").Page) {
  for (const name of DEMO) {
    await expect(page.getByRole("heading", { name })).toBeVisible();
  }
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the server renders the organizations, and the filter form works", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expectAllDemoOrganizations(page);
    await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");

    await page.getByLabel("Filter organizations").fill("lisbon");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/\?q=lisbon$/);
    await expect(page.locator(cards)).toHaveCount(1);
    await expect(page.getByText(/^Showing 1 of \d+ organizations matching “lisbon”$/)).toBeVisible();
  });
});

test.describe("with JavaScript", () => {
  test("the directory loads no WebAssembly, and Enter filters (a link to the filtered list)", async ({ page }) => {
    const wasm: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith(".wasm")) wasm.push(request.url());
    });
    await page.goto("/");
    await usable(page);
    await page.getByLabel("Filter organizations").fill("lon");
    await page.getByLabel("Filter organizations").press("Enter");
    await expect(page).toHaveURL(/\?q=lon$/);
    await expect(page.locator(cards)).toHaveCount(1);
    await expect(page.getByRole("heading", { name: "Rust London" })).toBeVisible();
    await expect(page.getByLabel("Filter organizations")).toHaveValue("lon");

    await page.getByLabel("Filter organizations").fill("");
    await page.getByLabel("Filter organizations").press("Enter");
    await expectAllDemoOrganizations(page);
    await expect(page.getByText(/^\d+ organizations$/)).toBeVisible();
    expect(wasm).toEqual([]);
  });

  test("a filter nobody matches says so", async ({ page }) => {
    await page.goto("/?q=zzz");
    await expect(page.locator(cards)).toHaveCount(0);
    await expect(page.getByText("No organizations match “zzz”")).toBeVisible();
  });
});

test("unknown addresses get the 404 page", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Browse organizations" }).click();
  await expectAllDemoOrganizations(page);
});
