// Steps several browser tests share.
import fs from "node:fs";
import { join } from "node:path";
import { expect, type Page } from "@playwright/test";
import { simpleParser } from "mailparser";
import { MAIL_DIR } from "../global-setup";

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
 * Creates an account through the sign-up form (email and name; it answers "Check your email"
 * and signs nobody in), then follows the link mailed to the address as its owner would: chooses
 * the password there, which signs in.
 */
export async function signUp(page: Page, email: string, name: string, password: string) {
  await page.goto("/signup");
  await usable(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name").fill(name);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(page.locator(".user-name")).toHaveCount(0);
  const link = await linkInMail(email, "Confirm your email address for Convene", "/account/confirm?token=");
  await page.goto(link);
  await usable(page);
  await expect(page.getByLabel("Display name")).toHaveValue(name);
  await page.getByLabel("Choose a password").fill(password);
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await expect(page.locator(".user-name")).toHaveText(name);
}

const MAIL_WAIT_MS = 30_000;

/**
 * The path and query of the link starting with `path` in the newest message to `email` with
 * `subject`, as it arrived at the run's SMTP server (end2end/global-setup.ts). Polls until it
 * arrives: the server's outbox sends within seconds.
 */
export async function linkInMail(email: string, subject: string, path: string): Promise<string> {
  const dir = MAIL_DIR;
  const deadline = Date.now() + MAIL_WAIT_MS;
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`https?://\\S+${escaped}[0-9a-f]+`);
  while (Date.now() < deadline) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.endsWith(".eml")) : [];
    for (const name of files.sort().reverse()) {
      const mail = await simpleParser(fs.readFileSync(join(dir, name)));
      const to = [mail.to ?? []].flat().flatMap((address) => address.value.map((one) => one.address?.toLowerCase()));
      if (mail.subject !== subject || !to.includes(email.toLowerCase())) continue;
      const link = (mail.text ?? "").match(pattern)?.[0];
      expect(link, mail.text).toBeTruthy();
      const { pathname, search } = new URL(link!);
      return pathname + search;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no message "${subject}" to ${email} arrived in ${MAIL_WAIT_MS / 1000}s`);
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
