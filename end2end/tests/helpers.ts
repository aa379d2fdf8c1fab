// Steps several browser tests share.
import { expect, type Page } from "@playwright/test";

/**
 * Waits until the page can be used: loaded, and its island hydrated when it has one (only the
 * dashboard and the settings panel do; every other page is complete as HTML and loads no wasm).
 */
export async function usable(page: Page) {
  await page.waitForLoadState("load");
  await page.waitForFunction(
    () => !document.querySelector("leptos-island") || document.documentElement.dataset.hydrated === "true",
  );
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await usable(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".user-name")).toBeVisible();
}
