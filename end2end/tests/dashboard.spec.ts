// The member dashboard on the demo data (the demo member belongs to Rust Berlin and Rust
// Lisbon). Screenshots of both layouts, at desktop width and at 375 px, go to
// end2end/screenshots/.
import { expect, test, type Browser, type Page } from "./fixtures";
import { capture, signIn, usable } from "./helpers";
import measureModule from "../bench/measure.cjs";

const { markDocument, pageLoads, showsAddress } = measureModule;

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

/** The events a fresh page load of `page`'s address shows without JavaScript, to the same viewer. */
async function eventsWithoutScript(browser: Browser, page: Page) {
  const storageState = await page.context().storageState();
  const context = await browser.newContext({ javaScriptEnabled: false, storageState });
  const plain = await context.newPage();
  await plain.goto(page.url());
  const ids = await eventIds(plain);
  const rangeLabel = await plain.locator(".filter-footer").textContent();
  await context.close();
  return { ids, rangeLabel };
}

/**
 * After a change on the dashboard: the page was not loaded again, the address says `expected`,
 * the panel shows that address's view, and it is the view a page load of the same address
 * without JavaScript shows. Returns the events shown.
 */
async function updatedInPlace(page: Page, browser: Browser, expected: RegExp) {
  await expect(page).toHaveURL(expected);
  await showsAddress(page);
  expect(await pageLoads(page), "the page was loaded again instead of updated").toBe(0);
  const ids = await eventIds(page);
  const plain = await eventsWithoutScript(browser, page);
  expect(ids, `the events of ${page.url()}`).toEqual(plain.ids);
  await expect(page.locator(".filter-footer")).toHaveText(plain.rangeLabel ?? "");
  return ids;
}

test("filters, layouts and Show more update the dashboard in place, and Back restores", async ({ page, browser }) => {
  // Each step is compared with a page load of its address without JavaScript.
  test.setTimeout(120_000);
  await signIn(page, DEMO_MEMBER.email, DEMO_MEMBER.password);
  await page.goto("/dashboard?range=90");
  await usable(page);
  await showsAddress(page);
  await markDocument(page);
  const everything = await eventIds(page);
  const announced = page.locator(".visually-hidden[role=status]");

  // A range: the list, the address and the range line follow; the count is announced.
  await page.locator("#filter-range").selectOption("week");
  const week = await updatedInPlace(page, browser, /range=week/);
  await expect(announced).toHaveText(/^(No upcoming events match|\d+ events?, )/);

  // An organization chip, by keyboard: applied at once, focus stays on it.
  await page.locator("#filter-range").selectOption("90");
  await updatedInPlace(page, browser, /range=90/);
  const berlin = page.getByRole("checkbox", { name: "Rust Berlin" });
  await berlin.focus();
  await page.keyboard.press("Space");
  const berlinOnly = await updatedInPlace(page, browser, /org=rust-berlin/);
  expect(berlinOnly.length).toBeGreaterThan(0);
  expect(berlinOnly.length).toBeLessThan(everything.length);
  await expect(page.locator(".dash-card:not([data-org=rust-berlin])")).toHaveCount(0);
  await expect(berlin).toBeFocused();

  // Online only, a topic, and a text search (applied with Enter).
  await page.locator("#filter-mode").selectOption("online");
  await updatedInPlace(page, browser, /mode=online/);
  await page.locator("#filter-mode").selectOption({ label: "Online and in person" });
  await updatedInPlace(page, browser, /^(?!.*mode=)/);
  await page.locator("#filter-topic").selectOption("talks");
  const talks = await updatedInPlace(page, browser, /topic=talks/);
  expect(talks.length).toBeGreaterThan(0);
  await page.locator("#filter-topic").selectOption("");
  await updatedInPlace(page, browser, /^(?!.*topic=)/);
  await page.getByLabel("Search").fill("hack");
  await page.getByLabel("Search").press("Enter");
  const hack = await updatedInPlace(page, browser, /q=hack/);
  expect(hack.length).toBeGreaterThan(0);
  await expect(page.locator(".dash-card h4").first()).toContainText(/hack/i);
  await page.getByLabel("Search").fill("");
  await page.getByRole("button", { name: "Apply" }).click();
  await updatedInPlace(page, browser, /^(?!.*q=)/);

  // Custom dates wait for both dates, then apply.
  await page.locator("#filter-range").selectOption("custom");
  await expect(page.locator("#filter-from")).toBeVisible();
  expect(page.url()).not.toMatch(/range=custom/);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  await page.locator("#filter-from").fill(day(0));
  await page.locator("#filter-to").fill(day(120));
  await updatedInPlace(page, browser, /range=custom.*from=.*to=/);

  // The layout: by day, without asking the server again.
  await page.getByRole("link", { name: "By day" }).click();
  await updatedInPlace(page, browser, /layout=day/);
  await expect(page.locator(".day-group h2").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "By day" })).toHaveAttribute("aria-current", "page");

  // An organization from the picker: a new chip, the focus kept on the picker.
  const picker = page.getByLabel("Add an organization");
  await picker.focus();
  await expect(page.locator("#org-options option")).toHaveCount(6);
  await picker.fill("rust-nyc");
  await updatedInPlace(page, browser, /org=rust-nyc/);
  await expect(page.getByRole("checkbox", { name: "Rust NYC" })).toBeChecked();
  await expect(page.locator("#filter-org-add")).toBeFocused();
  await expect(picker).toHaveValue("");

  // Back, step by step: each earlier view again, with the form saying so.
  await page.goBack();
  await updatedInPlace(page, browser, /layout=day/);
  await expect(page.getByRole("checkbox", { name: "Rust NYC" })).toHaveCount(0);
  await page.goBack();
  await updatedInPlace(page, browser, /range=custom/);
  await expect(page.locator(".org-group").first()).toBeVisible();
  for (let step = 0; step < 2; step += 1) await page.goBack();
  const backToHack = await updatedInPlace(page, browser, /q=hack/);
  expect(backToHack).toEqual(hack);
  await expect(page.getByLabel("Search")).toHaveValue("hack");
  await page.goForward();
  await updatedInPlace(page, browser, /^(?!.*q=)/);
  await expect(page.getByLabel("Search")).toHaveValue("");

  // Back to the week: its list again.
  while (!/range=week/.test(page.url())) await page.goBack();
  expect(await updatedInPlace(page, browser, /range=week/)).toEqual(week);
  await expect(page.locator("#filter-range")).toHaveValue("week");

  // Clear: every filter off, the form with them.
  await page.getByRole("link", { name: "Clear", exact: true }).click();
  await updatedInPlace(page, browser, /\/dashboard$/);
  await expect(page.locator("#filter-range")).toHaveValue("30");
  await expect(page.locator("#filter-clear")).toBeFocused();

  // Show more appends in place and keeps the address.
  await page.goto("/dashboard?range=90&layout=day");
  await usable(page);
  await markDocument(page);
  const firstPage = await page.locator(".dash-card").count();
  await page.getByRole("link", { name: "Show more" }).click();
  await expect(page.locator(".dash-card")).not.toHaveCount(firstPage);
  await expect(announced).toHaveText(/more events? shown/);
  expect(await pageLoads(page)).toBe(0);
  await expect(page).toHaveURL(/\/dashboard\?range=90&layout=day$/);
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
