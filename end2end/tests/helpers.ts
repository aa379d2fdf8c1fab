// Steps several browser tests share.
import { expect, type Page } from "@playwright/test";
import { SITE_ADMIN } from "../global-setup";

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
 * nobody in, then signs in with it. `confirm` (the default) first follows the confirmation link
 * as its owner would: the run has no SMTP server, so the message waits in the outbox, where a
 * site admin reads it. Only a confirmed address can follow an organization or ask to join.
 */
export async function signUp(page: Page, email: string, name: string, password: string, confirm = true) {
  await page.goto("/signup");
  await usable(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(page.locator(".user-name")).toHaveCount(0);
  if (confirm) {
    const link = await linkFromOutbox(page, email, "Confirm your email address for Convene", "/account/confirm?token=");
    await page.goto(link);
    await usable(page);
    await page.getByRole("button", { name: "Confirm and sign in" }).click();
    await expect(page.locator(".user-name")).toHaveText(name);
    return;
  }
  await signIn(page, email, password);
  await expect(page.locator(".user-name")).toHaveText(name);
}

/**
 * The path and query of the link in the newest outbox message to `email` with `subject`, read
 * by the site admin in a context of its own.
 */
export async function linkFromOutbox(page: Page, email: string, subject: string, path: string): Promise<string> {
  const context = await page.context().browser()!.newContext();
  const admin = await context.newPage();
  await signIn(admin, SITE_ADMIN.email, SITE_ADMIN.password);
  await admin.goto("/admin/mail");
  const message = admin.locator(".outbox-message").filter({ hasText: subject }).filter({ hasText: email }).first();
  await message.locator("summary").click();
  const text = await message.locator(".mail-text").innerText();
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const link = text.match(new RegExp(`https?://\\S+${escaped}[0-9a-f]+`))?.[0];
  expect(link, text).toBeTruthy();
  await context.close();
  const { pathname, search } = new URL(link!);
  return pathname + search;
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
