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

/**
 * Creates an account through the sign-up form, which answers "Check your email" and signs
 * nobody in (the address is confirmed by mail), then signs in with it.
 */
export async function signUp(page: Page, email: string, name: string, password: string) {
  await page.goto("/signup");
  await usable(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(page.locator(".user-name")).toHaveCount(0);
  await signIn(page, email, password);
  await expect(page.locator(".user-name")).toHaveText(name);
}

/**
 * Screenshots of the page at desktop width and at 375 px into end2end/screenshots/ (git-ignored,
 * for a look at the finish), and a check that at neither width the page scrolls sideways.
 */
export async function capture(page: Page, name: string) {
  for (const size of [
    { name: "desktop", width: 1280, height: 900 },
    { name: "375", width: 375, height: 812 },
  ]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} at ${size.name}: the page scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `screenshots/${name}-${size.name}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
