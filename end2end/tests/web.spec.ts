// Convene on the open web (issue #18): each event's own page, read with and without
// JavaScript. Screenshots at desktop width and at 375 px go to end2end/screenshots/.
import { expect, test, type Page } from "@playwright/test";
import { usable } from "./helpers";

// Far from the demo's own zones, so viewer times differ visibly.
test.use({ timezoneId: "Asia/Tokyo" });

async function capture(page: Page, name: string) {
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

test("an event's page: reached from the dashboard, the same without JavaScript, times in the viewer's zone", async ({
  page,
  browser,
}) => {
  await page.goto("/dashboard?org=rust-berlin");
  await usable(page);
  const card = page.locator(".dash-card").first();
  const title = (await card.locator("h4 a").textContent())?.trim() ?? "";
  await card.locator("h4 a").click();
  await expect(page).toHaveURL(/\/events\/[0-9a-f]{24}$/);
  await usable(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(title);
  const eventTime = (await page.locator(".event-time time").textContent()) ?? "";
  expect(eventTime, "the event's own zone first").toMatch(/CES?T|GMT|BST|UTC/);

  // Register is lu.ma's checkout button, opening lu.ma in a new tab without the script.
  const register = page.getByRole("link", { name: "Register" });
  await expect(register).toHaveAttribute("data-luma-action", "checkout");
  await expect(register).toHaveAttribute("target", "_blank");
  await expect(page.getByRole("link", { name: "Add to calendar" })).toHaveAttribute("href", /\.ics$/);
  await expect(page.getByRole("link", { name: "Google Calendar" })).toHaveAttribute(
    "href",
    /^https:\/\/calendar\.google\.com\//,
  );
  const markup = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? "{}");
  expect(markup["@type"]).toBe("Event");
  expect(markup.name).toBe(title);
  await capture(page, "event-page");

  // The viewer's zone on request, remembered like the dashboard's choice.
  const toggle = page.getByRole("checkbox", { name: /Show times in my timezone/ });
  await expect(toggle).toBeEnabled();
  await toggle.check();
  await expect(page.locator(".event-time time")).toContainText("GMT+9");
  await page.reload();
  await usable(page);
  await expect(page.locator(".event-time time")).toContainText("GMT+9");
  await page.getByRole("checkbox", { name: /Show times in my timezone/ }).uncheck();
  await expect(page.locator(".event-time time")).toHaveText(eventTime);

  // Without JavaScript: the same page, times in the event's zone, Register still a link.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto(page.url());
  await expect(plain.getByRole("heading", { level: 1 })).toContainText(title);
  await expect(plain.locator(".event-time time")).toHaveText(eventTime);
  await expect(plain.getByRole("link", { name: "Register" })).toHaveAttribute("href", /^https:\/\//);
  await expect(plain.getByRole("link", { name: "Add to calendar" })).toBeVisible();
  const more = await page.locator(".more-events li a").allTextContents();
  expect(await plain.locator(".more-events li a").allTextContents()).toEqual(more);
  await noScript.close();
});
