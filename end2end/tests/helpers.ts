// Steps several browser tests share.
import { expect, type Page } from "@playwright/test";

/** Waits until the wasm app has taken over the server-rendered page. */
export async function hydrated(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".user-name")).toBeVisible();
}
