// Where and when (issue #34): the dashboard as a map and as a month, as users reach them.
import { expect, test, type Page } from "./fixtures";
import { capture, usable } from "./helpers";

/** The map drew itself: Leaflet loaded, and its markers (pins or clusters) are on the page. */
async function mapDrawn(page: Page) {
  await expect(page.locator("#event-map.is-drawn")).toBeVisible();
  await expect(page.locator("#event-map .map-pin, #event-map .marker-cluster").first()).toBeVisible();
}

test("the map layout pins the in-person events, with a list beside it, at 1280 and 375 px", async ({ page }) => {
  await page.goto("/dashboard");
  await usable(page);
  await page.locator("#layout-map").click();
  await expect(page).toHaveURL(/layout=map/);
  await usable(page);
  // No island on this layout: the page is HTML and the map's own script.
  await expect(page.locator("leptos-island")).toHaveCount(0);
  // Offline (no tile server answers here), the markers are drawn all the same.
  await mapDrawn(page);
  const list = page.getByRole("list", { name: "Events on the map" });
  const items = list.getByRole("listitem");
  expect(await items.count()).toBeGreaterThan(4);
  await expect(page.getByText("© OpenStreetMap contributors")).toBeVisible();

  // The keyboard way: a list item's button opens its pin's popup on the map.
  const first = items.first();
  const title = (await first.getAttribute("data-title")) ?? "";
  const show = first.getByRole("button", { name: `Show on map: ${title}` });
  await show.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator(".leaflet-popup-content")).toContainText(title);

  // Near Lisbon: Lisbon's events alone.
  await page.getByLabel("Near").fill("Lisboa");
  await page.getByLabel("Near").press("Enter");
  await expect(page).toHaveURL(/near=Lisboa/);
  await mapDrawn(page);
  const near = page.getByRole("list", { name: "Events on the map" }).getByRole("listitem");
  for (const text of await near.allTextContents()) {
    expect(text).toContain("Rust Lisbon");
  }
  await capture(page, "dashboard-map");
  await page.setViewportSize({ width: 375, height: 812 });
  await page.reload();
  await mapDrawn(page);
  await page.setViewportSize({ width: 1280, height: 900 });
});

test("the month grid is a table a keyboard can walk, with today marked and each event a link", async ({ page }) => {
  await page.goto("/dashboard?layout=month");
  await usable(page);
  await expect(page.locator("leptos-island")).toHaveCount(0);
  const grid = page.getByRole("table");
  await expect(grid.getByRole("columnheader")).toHaveCount(7);
  await expect(page.locator('td[aria-current="date"]')).toHaveCount(1);
  // The demo's events start two days from now: a month near its end shows them next month.
  if ((await page.locator(".month-grid li a").count()) === 0) {
    await page.locator("#month-next").focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/month=\d{4}-\d{2}/);
    await expect(page.locator(".month-grid li a").first()).toBeVisible();
  }
  // Tab from the top of the page until an event link of the grid has the focus.
  await page.locator("#month-title").click();
  let reached = false;
  for (let step = 0; step < 80 && !reached; step++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => !!document.activeElement?.closest(".month-grid li"));
  }
  expect(reached, "Tab reaches the grid's events").toBe(true);
  const focused = page.locator(".month-grid li a:focus");
  await expect(focused).toBeVisible();
  const shadow = await focused.evaluate((link) => getComputedStyle(link).boxShadow);
  expect(shadow, "a visible focus ring").not.toBe("none");
  const href = (await focused.getAttribute("href")) ?? "";
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(href.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  await page.goBack();
  await usable(page);
  await capture(page, "dashboard-month");
});
