import { expect, test, type Page } from "@playwright/test";
import { signIn, signUp as signUpWith, usable } from "./helpers";
import { SITE_ADMIN } from "../global-setup";

const PASSWORD = "correct horse battery";
const suffix = () => `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

async function signUp(page: Page, name: string) {
  await signUpWith(page, `${name.toLowerCase().replace(/\W/g, "")}-${suffix()}@example.org`, name, PASSWORD);
}

test("a newcomer joins two organizations and leaves one", async ({ page }) => {
  await signUp(page, "Newcomer");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Organizations" }).click();
  await page.getByRole("link", { name: "Rust Berlin" }).click();
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByText("You are a member.")).toBeVisible();

  await page.goto("/orgs/rust-lisbon");
  await usable(page);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByText("You are a member.")).toBeVisible();
  await page.getByRole("button", { name: "Leave" }).click();
  await expect(page.getByRole("button", { name: "Join" })).toBeVisible();

  await page.goto("/orgs/rust-berlin");
  await expect(page.getByText("You are a member.")).toBeVisible();
});

test("a site admin creates an organization and makes a member its admin", async ({ browser }) => {
  const slug = `e2e-${suffix()}`;
  const admin = await (await browser.newContext()).newPage();
  const member = await (await browser.newContext()).newPage();

  await signIn(admin, SITE_ADMIN.email, SITE_ADMIN.password);
  await admin.goto("/orgs");
  await usable(admin);
  const form = admin.getByRole("region", { name: "Create an organization" });
  await form.getByLabel("Name").fill("End To End");
  await form.getByLabel("Address (slug)").fill(slug);
  await form.getByRole("button", { name: "Create organization" }).click();
  await expect(admin).toHaveURL(new RegExp(`/orgs/${slug}$`));
  await expect(admin.getByText("You are an admin of this organization.")).toBeVisible();

  await signUp(member, "Grace");
  await member.goto(`/orgs/${slug}`);
  await usable(member);
  await member.getByRole("button", { name: "Join" }).click();
  await expect(member.getByText("You are a member.")).toBeVisible();

  await admin.getByRole("link", { name: "Manage members" }).click();
  const graceRow = admin.getByRole("row").filter({ hasText: "Grace" });
  await expect(graceRow.getByRole("cell", { name: "Member", exact: true })).toBeVisible();
  await graceRow.getByRole("button", { name: "Make admin" }).click();
  await expect(graceRow.getByRole("cell", { name: "Admin", exact: true })).toBeVisible();

  await member.reload();
  await expect(member.getByText("You are an admin of this organization.")).toBeVisible();
});

test("the last admin cannot leave, and is told why", async ({ page }) => {
  await signIn(page, SITE_ADMIN.email, SITE_ADMIN.password);
  const slug = `solo-${suffix()}`;
  await page.goto("/orgs");
  await usable(page);
  const form = page.getByRole("region", { name: "Create an organization" });
  await form.getByLabel("Name").fill("Solo");
  await form.getByLabel("Address (slug)").fill(slug);
  await form.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByText("You are an admin of this organization.")).toBeVisible();
  await page.getByRole("button", { name: "Leave" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "at least one admin" })).toBeVisible();
  await expect(page.getByText("You are an admin of this organization.")).toBeVisible();
});
