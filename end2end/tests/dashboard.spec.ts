// The member dashboard on the demo data (the demo member belongs to Rust Berlin and Rust
// Lisbon). Screenshots of both layouts, at desktop width and at 375 px, go to
// end2end/screenshots/.
import { expect, test, type Page } from "./fixtures";
import { capture, signIn, usable } from "./helpers";

const DEMO_MEMBER = { email: "member@demo.convene.test", password: "convene-demo" };
// Far from the demo's own zones, so viewer times differ visibly.
test.use({ timezoneId: "Asia/Tokyo" });

const eventIds = (page: Page) =>
  page.locator(".dash-card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-event")));

test("a member filters, switches layout and timezone, and loads more", async ({ page, browser }) => {
  await signIn(page, DEMO_MEMBER.email, DEMO_MEMBER.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
  await usable(page);

  // Their organizations first.
  const yours = page.getByRole("region", { name: "Your orgs" });
  const others = page.getByRole("region", { name: "Other orgs" });
  await expect(yours.locator(".dash-card").first()).toBeVisible();
  const yourOrgs = await yours.locator(".dash-card").evaluateAll((cards) => [...new Set(cards.map((c) => c.getAttribute("data-org")))]);
  expect(yourOrgs.sort()).toEqual(["rust-berlin", "rust-lisbon"]);
  await expect(others.locator(".dash-card[data-org=rust-nyc]").first()).toBeVisible();
  await capture(page, "dashboard-by-organization");

  // Each card offers its own calendar file and a Google Calendar link.
  const firstCard = yours.locator(".dash-card").first();
  await firstCard.getByText("Add to calendar").click();
  await expect(firstCard.getByRole("link", { name: "Calendar file (.ics)" })).toHaveAttribute("href", /^\/events\/[0-9a-f]{24}\.ics$/);
  await expect(firstCard.getByRole("link", { name: "Google Calendar" })).toHaveAttribute(
    "href",
    /^https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE/,
  );
  const file = await page.request.get((await firstCard.getByRole("link", { name: "Calendar file (.ics)" }).getAttribute("href")) ?? "");
  expect(await file.text()).toContain("BEGIN:VEVENT");

  // Filter by one organization: the page lists only the member's own as chips; the picker
  // offers every organization once focused, and choosing one applies at once (kept in the URL).
  await expect(page.locator(".chip")).toHaveCount(2);
  const picker = page.getByLabel("Add an organization");
  await picker.focus();
  // The demo's four and the two global-setup creates for the lu.ma and iCal tests.
  await expect(page.locator("#org-options option")).toHaveCount(6);
  await picker.fill("rust-nyc");
  await expect(page).toHaveURL(/org=rust-nyc/);
  await expect(page.getByRole("checkbox", { name: "Rust NYC" })).toBeChecked();
  await expect(page.locator(".dash-card[data-org=rust-berlin]")).toHaveCount(0);
  await expect(page.locator(".dash-card[data-org=rust-nyc]").first()).toBeVisible();

  // And by text.
  await page.getByLabel("Search").fill("lightning");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=lightning/);
  await expect(page.locator(".dash-card h4").first()).toHaveText("Lightning talks");
  await expect(page.locator(".dash-card h4", { hasText: "Project night" })).toHaveCount(0);

  // The same URL, opened fresh without JavaScript, shows the same events.
  const filteredUrl = page.url();
  const shown = await eventIds(page);
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto(filteredUrl);
  expect(await eventIds(plain)).toEqual(shown);
  await noScript.close();

  // By day, every event this quarter.
  await page.goto("/dashboard?range=90");
  await usable(page);
  await page.getByRole("link", { name: "By day" }).click();
  await expect(page).toHaveURL(/layout=day/);
  await expect(page.locator(".day-group h2").first()).toBeVisible();
  await expect(page.locator(".dash-card .dash-org").first()).toBeVisible();

  // Times in the viewer's zone (Tokyo), and back.
  const firstTime = page.locator(".dash-card time").first();
  const eventZoneTime = await firstTime.textContent();
  await page.getByLabel(/Show times in my timezone/).check();
  await expect(firstTime).toContainText("GMT+9");
  await expect(firstTime).not.toHaveText(eventZoneTime ?? "");
  // Day headings follow: each group's heading is its events' day in Tokyo (the European
  // evenings fall on the next day there).
  const headings = await page.locator(".day-group").evaluateAll((groups) =>
    groups.map((group) => {
      const start = new Date(group.querySelector("time")?.getAttribute("datetime") ?? "");
      const iso = (d: Date) => d.toLocaleDateString("en-CA");
      const now = new Date();
      const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 12);
      const expected =
        iso(start) === iso(now)
          ? "Today"
          : iso(start) === iso(tomorrow)
            ? "Tomorrow"
            : start.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short" }).replace(",", "");
      return [group.querySelector("h2")?.textContent, expected];
    }),
  );
  for (const [shown, expected] of headings) expect(shown).toBe(expected);
  await page.reload();
  await usable(page);
  await expect(page.locator(".dash-card time").first()).toContainText("GMT+9"); // remembered
  await capture(page, "dashboard-by-day");
  await page.getByLabel(/Show times in my timezone/).uncheck();
  await expect(page.locator(".dash-card time").first()).toHaveText(eventZoneTime ?? "");

  // More than one page: Show more appends the rest without leaving the page. The demo member
  // sees Rust Berlin's members-only event too (22 public events and that one).
  const before = await page.locator(".dash-card").count();
  await page.getByRole("link", { name: "Show more" }).click();
  await expect(page.locator(".dash-card")).toHaveCount(23);
  expect(before).toBe(20);
  await expect(page.getByRole("link", { name: "Show more" })).toHaveCount(0);
});

test("a members-only event is labelled for a member and absent for a visitor", async ({ page, browser }) => {
  await signIn(page, DEMO_MEMBER.email, DEMO_MEMBER.password);
  await page.goto("/dashboard?org=rust-berlin");
  await usable(page);
  const card = page.locator(".dash-card[data-event=evt-demoBerlinMembers]");
  await expect(card).toBeVisible();
  await expect(card.locator(".badge-members")).toHaveText("Members only");
  await expect(card.locator(".dash-place")).toContainText("Berlin, Berlin, Germany");
  await expect(card.locator(".dash-place")).toContainText("Address shared with registered guests on lu.ma");
  await expect(page.locator("body")).not.toContainText("Musterstraße");
  await expect(page.locator("body")).not.toContainText("Organizers' private call");

  const visitor = await browser.newPage();
  await visitor.goto("/dashboard?org=rust-berlin");
  await usable(visitor);
  await expect(visitor.locator(".dash-card").first()).toBeVisible();
  await expect(visitor.locator(".dash-card[data-event=evt-demoBerlinMembers]")).toHaveCount(0);
  await expect(visitor.locator(".badge-members")).toHaveCount(0);
  await expect(visitor.locator("body")).not.toContainText("Members' planning evening");
  await visitor.close();
});
