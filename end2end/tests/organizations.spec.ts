import { expect, test, type Page } from "./fixtures";
import { capture, signIn, signUp as signUpWith, usable } from "./helpers";
import { SITE_ADMIN } from "../global-setup";

/** Demo mode's admin of Rust Berlin (its members-only event is the one members see). */
const DEMO_ADMIN = { email: "admin@demo.convene.test", password: "convene-demo" };

const PASSWORD = "correct horse battery";
const suffix = () => `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

async function signUp(page: Page, name: string) {
  await signUpWith(page, `${name.toLowerCase().replace(/\W/g, "")}-${suffix()}@example.org`, name, PASSWORD);
}

test("a newcomer follows two organizations and unfollows one", async ({ page }) => {
  await signUp(page, "Newcomer");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Organizations" }).click();
  await page.getByRole("link", { name: "Rust Berlin" }).click();
  await page.getByRole("button", { name: "Follow" }).click();
  await expect(page.getByText("You follow its public events.")).toBeVisible();

  await page.goto("/orgs/rust-lisbon");
  await usable(page);
  await page.getByRole("button", { name: "Follow" }).click();
  await expect(page.getByText("You follow its public events.")).toBeVisible();
  await page.getByRole("button", { name: "Unfollow" }).click();
  await expect(page.getByRole("button", { name: "Follow" })).toBeVisible();

  await page.goto("/orgs/rust-berlin");
  await expect(page.getByText("You follow its public events.")).toBeVisible();
});

test("a request to join, approved on the members page, shows the members-only event; a follower never sees it", async ({
  browser,
}) => {
  const membersOnly = "[data-event=evt-demoBerlinMembers]";
  const follower = await (await browser.newContext()).newPage();
  await signUp(follower, "Fola");
  await follower.goto("/orgs/rust-berlin");
  await usable(follower);
  await follower.getByRole("button", { name: "Follow" }).click();
  await expect(follower.getByText("You follow its public events.")).toBeVisible();

  const name = `Rhea ${suffix()}`;
  const requester = await (await browser.newContext()).newPage();
  await signUp(requester, name);
  await requester.goto("/orgs/rust-berlin");
  await usable(requester);
  await requester.getByRole("button", { name: "Request to join" }).click();
  await expect(requester.getByText("Your request to join waits for the admins' answer")).toBeVisible();
  await requester.goto("/dashboard?org=rust-berlin");
  await usable(requester);
  await expect(requester.locator(".dash-card").first()).toBeVisible();
  await expect(requester.locator(membersOnly)).toHaveCount(0);

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, DEMO_ADMIN.email, DEMO_ADMIN.password);
  await admin.goto("/orgs/rust-berlin/members");
  await usable(admin);
  const request = admin.getByRole("region", { name: "Requests to join" }).getByRole("row").filter({ hasText: name });
  await request.getByRole("button", { name: "Approve" }).click();
  await expect(request).toHaveCount(0);
  const row = admin.getByRole("region", { name: "Members and followers" }).getByRole("row").filter({ hasText: name });
  await expect(row.getByRole("cell", { name: "Member", exact: true })).toBeVisible();

  await requester.reload();
  await usable(requester);
  await expect(requester.locator(membersOnly)).toBeVisible();
  await expect(requester.locator(`${membersOnly} .badge-members`)).toHaveText("Members only");

  await follower.goto("/dashboard?org=rust-berlin");
  await usable(follower);
  await expect(follower.locator(".dash-card").first()).toBeVisible();
  await expect(follower.locator(membersOnly)).toHaveCount(0);
  await expect(follower.locator("body")).not.toContainText("Members' planning evening");
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
  await member.getByRole("button", { name: "Follow" }).click();
  await expect(member.getByText("You follow its public events.")).toBeVisible();

  await admin.getByRole("link", { name: "Manage members" }).click();
  const graceRow = admin.getByRole("region", { name: "Members and followers" }).getByRole("row").filter({ hasText: "Grace" });
  await expect(graceRow.getByRole("cell", { name: "Follower", exact: true })).toBeVisible();
  await graceRow.getByRole("button", { name: "Make member" }).click();
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

test("a site admin sees the network drawn, with its numbers, at 1280 and 375 px", async ({ page }) => {
  await signIn(page, SITE_ADMIN.email, SITE_ADMIN.password);
  await page.goto("/admin/network");
  await usable(page);
  await expect(page.getByRole("heading", { name: "Network", level: 1 })).toBeVisible();
  // The network's chart and one per organization, drawn on the server, each named for screen readers.
  await expect(page.getByRole("img", { name: "The network: events per month" })).toBeVisible();
  const table = page.getByRole("region", { name: "Organizations' activity" });
  for (const name of ["Rust Berlin", "Rust Lisbon"]) {
    await expect(table.getByRole("link", { name })).toBeVisible();
    await expect(page.getByRole("img", { name: `${name}: events per month` })).toBeAttached();
  }
  await expect(page.getByRole("region", { name: "Events per month by organization" })).toContainText(
    "All organizations",
  );
  // No script draws anything: the page loads no wasm.
  expect(await page.locator("leptos-island").count()).toBe(0);
  await capture(page, "network");
  const csv = await page.request.get("/admin/network.csv");
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain("Rust Berlin,rust-berlin,");
});
