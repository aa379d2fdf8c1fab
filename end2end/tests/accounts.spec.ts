import { signIn, signUp, usable } from "./helpers";
import { expect, test } from "@playwright/test";
import { SITE_ADMIN } from "../global-setup";

const PASSWORD = "correct horse battery";
const unique = (name: string) => `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;

test("sign up, sign out, a wrong password, then sign in (hydrated)", async ({ page }) => {
  const email = unique("ada");
  await signUp(page, email, "Ada Lovelace", PASSWORD);
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
    await signUp(page, email, "No Script", PASSWORD);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.locator(".user-name")).toHaveCount(0);

    await page.goto("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Wrong email or password.")).toBeVisible();
  });
});

test("forgot password: the link from the outbox sets a new password and signs in", async ({ browser }) => {
  const email = unique("forgetful");
  const member = await (await browser.newContext()).newPage();
  await signUp(member, email, "Forgetful Fay", PASSWORD);
  await member.getByRole("button", { name: "Sign out" }).click();
  await expect(member.locator(".user-name")).toHaveCount(0);

  await member.goto("/login");
  await member.getByRole("link", { name: "Forgot your password?" }).click();
  await member.getByLabel("Email").fill(email);
  await member.getByRole("button", { name: "Send me a link" }).click();
  await expect(member.getByRole("heading", { name: "Check your email" })).toBeVisible();

  // No SMTP server in this run: the message waits in the outbox, where a site admin reads it.
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, SITE_ADMIN.email, SITE_ADMIN.password);
  await admin.goto("/admin/mail");
  const message = admin
    .locator(".outbox-message")
    .filter({ hasText: "Set a new password for Convene" })
    .filter({ hasText: email })
    .first();
  await message.locator("summary").click();
  const text = await message.locator(".mail-text").innerText();
  const link = text.match(/https?:\/\/\S+\/login\/reset\?token=[0-9a-f]+/)?.[0];
  expect(link, text).toBeTruthy();

  // The link works on this server whatever address the message was written for.
  const { pathname, search } = new URL(link!);
  await member.goto(pathname + search);
  await member.getByLabel("New password", { exact: true }).fill("a brand new password");
  await member.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(member.locator(".user-name")).toHaveText("Forgetful Fay");

  // Spent: the same link only says so.
  await member.goto(pathname + search);
  await expect(member.getByText("This link has expired or was already used.")).toBeVisible();
  await member.getByRole("button", { name: "Sign out" }).click();
  await signIn(member, email, "a brand new password");
});
