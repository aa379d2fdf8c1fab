import { linkInMail, signIn, signUp, usable } from "./helpers";
import { expect, test } from "./fixtures";
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

test("a bad field is named beside it, and what was typed stays", async ({ page }) => {
  const email = unique("short");
  await page.goto("/signup");
  await usable(page);
  // The browser lets it through (no dot is needed there); Convene wants a domain with one.
  await page.getByLabel("Email").fill("shorty@localhost");
  await page.getByLabel("Display name").fill("Shorty");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-email-error")).toHaveText("must look like name@example.org");
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Display name")).toHaveValue("Shorty");

  // The password is chosen on the mailed link's page, and a short one is named there.
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await page.goto(await linkInMail(email, "Confirm your email address for Convene", "/account/confirm?token="));
  await usable(page);
  await page.getByLabel("Choose a password").fill("short12");
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await expect(page.locator("#field-password-error")).toHaveText("must be at least 8 characters");
  await expect(page.getByLabel("Display name")).toHaveValue("Shorty");
  await page.getByLabel("Choose a password").fill("long enough now");
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await expect(page.locator(".user-name")).toHaveText("Shorty");
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

test("forgot password: the mailed link sets a new password and signs in", async ({ browser }) => {
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

  // The link works on this server whatever address the message was written for.
  const link = await linkInMail(email, "Set a new password for Convene", "/login/reset?token=");
  await member.goto(link);
  await member.getByLabel("New password", { exact: true }).fill("a brand new password");
  await member.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(member.locator(".user-name")).toHaveText("Forgetful Fay");

  // Spent: the same link only says so.
  await member.goto(link);
  await expect(member.getByText("This link has expired or was already used.")).toBeVisible();
  await member.getByRole("button", { name: "Sign out" }).click();
  await signIn(member, email, "a brand new password");
});

test("a site admin sees what mail went where, never a live link", async ({ page }) => {
  const email = unique("watched");
  await page.goto("/signup");
  await usable(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name").fill("Watched");
  await page.getByRole("button", { name: "Create account" }).click();
  const link = await linkInMail(email, "Confirm your email address for Convene", "/account/confirm?token=");
  const token = new URLSearchParams(link.split("?")[1]).get("token")!;

  await signIn(page, SITE_ADMIN.email, SITE_ADMIN.password);
  await page.goto("/admin/mail");
  const message = page.locator(".outbox-message").filter({ hasText: email }).first();
  await expect(message).toContainText("Confirm your email address for Convene");
  await expect(message).toContainText(/Confirmation link, works until/);
  expect(await page.content()).not.toContain(token);
  await message.getByRole("link", { name: "Confirm your email address for Convene" }).click();
  await expect(page.locator(".mail-text")).toContainText("Not shown: this message carries a single-use link");
  expect(await page.content()).not.toContain(token);
});
