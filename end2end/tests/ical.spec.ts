// An admin of an organization without Luma Plus pastes its iCal feed (lu.ma's feed, served by
// `convene fake-luma`), syncs, and its events appear on the dashboard; the organization's own
// feed then serves them to calendar apps.
import { expect, test } from "./fixtures";
import { signIn, usable } from "./helpers";
import { ICAL_ORG, LUMA_ORG } from "../global-setup";

// The fake lu.ma the suite started (`make test-e2e` names its address in LUMA_API_BASE).
const LUMA = new URL(process.env.LUMA_API_BASE ?? "http://127.0.0.1:3199/");
const FEED = `${LUMA.origin}/ics/get?entity=calendar&id=cal-e2eCalendar`;

test("an admin imports an iCal feed and its events reach the dashboard", async ({ page }) => {
  await signIn(page, LUMA_ORG.admin.email, LUMA_ORG.admin.password);
  await page.goto(`/orgs/${ICAL_ORG.slug}/settings`);
  await usable(page);

  const panel = page.getByRole("region", { name: "iCal feed (without Luma Plus)" });
  await expect(panel.getByTestId("feed-status")).toHaveText("No feed saved.");
  // A wrong address is refused with the reason, beside the field.
  await panel.getByLabel("Feed address").fill(`${LUMA.origin}/no-such-feed.ics`);
  await panel.getByRole("button", { name: "Save feed" }).click();
  await expect(panel.locator("#field-ical_url-error")).toContainText("HTTP 404");

  await panel.getByLabel("Feed address").fill(FEED);
  await panel.getByLabel("Timezone").selectOption("Europe/London");
  await panel.getByRole("button", { name: "Save feed" }).click();
  // The address is sealed like a key: only its host is shown again.
  await expect(panel.getByTestId("feed-status")).toHaveText(`Importing from ${LUMA.origin}/…`);

  const sync = page.getByRole("region", { name: "Sync" });
  await sync.getByRole("button", { name: "Sync now" }).click();
  await expect(sync.locator(".sync-live")).toContainText("4 created", { timeout: 20_000 });
  await expect(sync.getByTestId("events-stored")).toHaveText("4");

  await page.goto(`/dashboard?range=90&org=${ICAL_ORG.slug}`);
  await usable(page);
  const cards = page.locator(`.dash-card[data-org=${ICAL_ORG.slug}]`);
  await expect(cards.first()).toBeVisible();
  await expect(page.locator(".dash-card", { hasText: "London talk night" })).toBeVisible();

  // A feed-only organization is connected everywhere: no "Connect lu.ma" line on the
  // dashboard, an events link in the directory, and its events page opens on the list.
  await expect(page.locator(".not-connected", { hasText: ICAL_ORG.name })).toHaveCount(0);
  await page.goto("/orgs");
  await usable(page);
  const card = page.locator(`.organization-card[data-slug=${ICAL_ORG.slug}]`);
  await card.getByRole("link", { name: "Events" }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${ICAL_ORG.slug}/events$`));
  await expect(page.locator(".view-switch a", { hasText: "Calendar" })).toHaveCount(0);
  await expect(page.locator(".view-switch a", { hasText: "List" })).toHaveAttribute("aria-current", "page");
  await expect(page.locator(".event-item", { hasText: "London talk night" })).toBeVisible();
});

test("a member copies their personal feed address and it serves their calendar", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, "member@demo.convene.test", "convene-demo");
  await page.goto("/dashboard");
  await usable(page);
  await page.getByText("Subscribe in your calendar app").click();
  const address = page.getByLabel("Your calendar feed address");
  await expect(address).toHaveValue(/\/feeds\/[0-9a-f]{64}\.ics$/);
  await page.getByRole("button", { name: "Copy link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Copied." })).toBeVisible();
  const url = await address.inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await expect(page.getByRole("link", { name: "Subscribe (webcal)" })).toHaveAttribute("href", /^webcal:\/\//);

  // What a calendar app gets: no cookie, only the address.
  const feed = await page.request.fetch(url, { headers: { cookie: "" } });
  expect(feed.status()).toBe(200);
  expect(feed.headers()["content-type"]).toContain("text/calendar");
  const body = await feed.text();
  expect(body.startsWith("BEGIN:VCALENDAR")).toBe(true);
  expect(body).toContain("SUMMARY:Hack & Learn");
});
