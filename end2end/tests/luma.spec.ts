// An org admin connects lu.ma in the settings panel, syncs, and sees the events page; a member
// cannot open the settings. Screenshots of both pages, at desktop width and at 375 px, go to
// end2end/screenshots/ (git-ignored) for a look at the finish.
import { expect, test } from "./fixtures";
import { capture, signIn, signUp, usable } from "./helpers";
import { LUMA_ORG } from "../global-setup";

test("an org admin connects lu.ma, syncs, and sees the events in their own timezones", async ({ page }) => {
  await signIn(page, LUMA_ORG.admin.email, LUMA_ORG.admin.password);
  await page.goto(`/orgs/${LUMA_ORG.slug}`);
  await usable(page);
  await page.getByRole("link", { name: "lu.ma settings" }).click();
  await expect(page.getByRole("heading", { name: "lu.ma settings" })).toBeVisible();
  await usable(page);

  const calendar = page.getByRole("region", { name: "Calendar" });
  await calendar.getByLabel("API key").fill(LUMA_ORG.apiKey);
  await calendar.getByRole("button", { name: "Test connection" }).click();
  await expect(calendar.getByRole("status")).toContainText(`Connected to “${LUMA_ORG.calendarName}”`);

  await calendar.getByRole("button", { name: "Save" }).click();
  await expect(calendar.getByText("API key configured, ends in …4242")).toBeVisible();
  await expect(calendar.locator(".connection-status")).toHaveText(
    `Connected to “${LUMA_ORG.calendarName}” (cal-e2eCalendar).`,
  );
  // The key itself never comes back to the page.
  expect(await page.content()).not.toContain(LUMA_ORG.apiKey);

  const sync = page.getByRole("region", { name: "Sync" });
  await sync.getByRole("button", { name: "Sync now" }).click();
  await expect(sync.locator(".sync-live")).toContainText("4 created", { timeout: 20_000 });
  await expect(sync.getByTestId("events-stored")).toHaveText("4");
  await expect(sync.getByRole("table").locator("tbody tr").first()).toContainText("manual");
  await capture(page, "settings");

  await page.goto(`/orgs/${LUMA_ORG.slug}/events`);
  await usable(page);
  await expect(page.locator(".luma-embed iframe")).toHaveAttribute(
    "src",
    "https://lu.ma/embed/calendar/cal-e2eCalendar/events?lt=light",
  );
  await capture(page, "events-embed");

  await page.getByRole("link", { name: "List", exact: true }).click();
  await expect(page).toHaveURL(/\?view=list$/);
  const london = page.locator("[data-event=evt-e2e01]");
  await expect(london).toContainText("London talk night");
  // Wall-clock times in each event's own zone, with the zone's abbreviation.
  await expect(london.locator(".event-time")).toContainText(/18:30 (GMT|BST)/);
  await expect(page.locator("[data-event=evt-e2e02] .event-time")).toContainText(/19:00 (EST|EDT)/);
  await expect(page.locator("[data-event=evt-e2e03] .event-place")).toHaveText("Online");
  const register = london.getByRole("link", { name: "Register" });
  await expect(register).toHaveAttribute("href", "https://luma.com/e2e-1");
  await expect(register).toHaveAttribute("data-luma-action", "checkout");
  // lu.ma's Markdown is rendered, and its script and javascript: link are inert.
  await london.getByText("Details").click();
  await expect(london.locator(".event-description strong")).toHaveText("Doors at 18:00.");
  await expect(london.locator(".event-description script")).toHaveCount(0);
  await expect(london.getByText("Unsafe link")).not.toHaveAttribute("href", /javascript/);
  await capture(page, "events-list");

  // Subscribable from any calendar app: the link serves the same events as iCalendar.
  const feedLink = page.getByRole("link", { name: "Subscribe (.ics)" });
  await expect(feedLink).toHaveAttribute("href", `/orgs/${LUMA_ORG.slug}/events.ics`);
  const feed = await page.request.get((await feedLink.getAttribute("href")) ?? "");
  expect(feed.headers()["content-type"]).toContain("text/calendar");
  const feedText = await feed.text();
  expect(feedText.startsWith("BEGIN:VCALENDAR")).toBe(true);
  expect(feedText).toContain("SUMMARY:London talk night");

  // Reloading keeps the chosen view.
  await page.reload();
  await expect(page.locator("[data-event=evt-e2e01]")).toBeVisible();
});

test("a member cannot open the settings panel", async ({ page }) => {
  const email = `member-${Date.now()}@example.org`;
  await signUp(page, email, "Mia Member", "correct horse battery");
  await page.goto(`/orgs/${LUMA_ORG.slug}`);
  await usable(page);
  await page.getByRole("button", { name: "Follow" }).click();
  await expect(page.getByText("You follow its public events.")).toBeVisible();
  await expect(page.getByRole("link", { name: "lu.ma settings" })).toHaveCount(0);

  const response = await page.goto(`/orgs/${LUMA_ORG.slug}/settings`);
  expect(response?.status()).toBe(403);
  await expect(page.getByText("You are not allowed to do that.")).toBeVisible();
  await expect(page.getByLabel("API key")).toHaveCount(0);
});
