import { usable } from "./helpers";
import { expect, test, type Page } from "@playwright/test";

const PASSWORD = "correct horse battery";
const unique = (name: string) => `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;

async function signUp(page: Page, email: string, name: string) {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

test("sign up, sign out, a wrong password, then sign in (hydrated)", async ({ page }) => {
  const email = unique("ada");
  await page.goto("/signup");
  await usable(page);
  await signUp(page, email, "Ada Lovelace");
  await expect(page.locator(".user-name")).toHaveText("Ada Lovelace");
  await expect(page).toHaveURL(/\/$/);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(page.locator(".user-name")).toHaveCount(0);

  await page.goto("/login");
  await usable(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".user-name")).toHaveText("Ada Lovelace");
});

test("a bad field is named beside it", async ({ page }) => {
  await page.goto("/signup");
  await usable(page);
  await page.getByLabel("Email").fill(unique("short"));
  await page.getByLabel("Display name").fill("Shorty");
  await page.getByLabel("Password").fill("short12");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-password-error")).toHaveText("must be at least 8 characters");
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  // Nothing typed is lost.
  await expect(page.getByLabel("Display name")).toHaveValue("Shorty");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the forms still work and show errors", async ({ page }) => {
    const email = unique("nojs");
    await signUp(page, email, "No Script");
    await expect(page.locator(".user-name")).toHaveText("No Script");

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.locator(".user-name")).toHaveCount(0);

    await page.goto("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Wrong email or password.")).toBeVisible();
  });
});
