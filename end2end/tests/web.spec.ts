// Convene on the open web (issue #18): each event's own page, read with and without
// JavaScript. Screenshots at desktop width and at 375 px go to end2end/screenshots/.
import { test as baseTest } from "@playwright/test";
import { expect, reportViolations, test, VIOLATION_MARK } from "./fixtures";
import { capture, usable } from "./helpers";

// Far from the demo's own zones, so viewer times differ visibly.
test.use({ timezoneId: "Asia/Tokyo" });

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

test("the widget on another site: its events, its height, links in a new tab", async ({ page, context }) => {
  // The snippet, as an organization's page offers it.
  await page.goto("/orgs/rust-berlin");
  const snippet = (await page.locator(".embed-snippet pre").textContent())?.trim() ?? "";
  expect(snippet).toContain("<iframe");
  expect(snippet).toContain("/embed/widget.js");

  // A page on another origin (another port) that pastes it.
  const http = await import("node:http");
  // At /dark, the snippet as a site with a dark design would change it.
  const dark = snippet.replace("?org=rust-berlin", "?org=rust-berlin&theme=dark&limit=3");
  const host = http.createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!DOCTYPE html><html lang="en"><head><title>Our group</title></head>
      <body style="font-family:sans-serif;max-width:40rem;margin:2rem auto"><h1>Our group's website</h1>
      <p>Our next events:</p>${request.url === "/dark" ? dark : snippet}<p>Footer</p></body></html>`);
  });
  await new Promise<void>((ready) => host.listen(0, "localhost", ready));
  const address = host.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    await page.goto(`http://localhost:${port}/`);
    const frame = page.frameLocator("iframe[data-convene-widget]");
    const events = frame.locator(".w-event");
    await expect(events.first()).toBeVisible();
    expect(await events.count()).toBeGreaterThan(0);

    // The frame takes its content's height (the snippet starts it at 320 px).
    const iframe = page.locator("iframe[data-convene-widget]");
    await expect
      .poll(async () => {
        const [outer, inner] = await Promise.all([
          iframe.evaluate((el) => el.getBoundingClientRect().height),
          frame.locator("html").evaluate((el) => el.scrollHeight),
        ]);
        return Math.abs(outer - inner);
      })
      .toBeLessThanOrEqual(1);
    expect(await iframe.evaluate((el) => (el as HTMLElement).style.height)).not.toBe("320px");
    await page.screenshot({ path: "screenshots/widget-on-another-site.png", fullPage: true });

    // Links leave the host page alone: Convene's event page opens in a new tab.
    const name = events.first().locator("a.w-name");
    await expect(name).toHaveAttribute("target", "_blank");
    await expect(events.first().locator("a.w-register")).toHaveAttribute("target", "_blank");
    await expect(events.first().locator("a.w-register")).toHaveAttribute("href", /^https:\/\/(lu\.ma|luma\.com)\//);
    const [tab] = await Promise.all([context.waitForEvent("page"), name.click()]);
    await tab.waitForLoadState();
    expect(tab.url()).toMatch(/\/events\/[0-9a-f]{24}$/);
    await expect(tab.getByRole("heading", { level: 1 })).toContainText(((await name.textContent()) ?? "").trim());
    expect(page.url()).toBe(`http://localhost:${port}/`);

    // Dark, as a site with a dark design would ask.
    await page.goto(`http://localhost:${port}/dark`);
    await expect(frame.locator("html")).toHaveAttribute("data-theme", "dark");
    await expect(frame.locator(".w-event")).toHaveCount(3);
    await page.screenshot({ path: "screenshots/widget-dark.png", fullPage: true });
  } finally {
    host.close();
  }
});

test("copy the dashboard's view as text and as Markdown for a newsletter", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/dashboard?org=rust-berlin");
  await usable(page);
  const cards = page.locator(".dash-card");
  await expect(cards.first()).toBeVisible();
  const count = await cards.count();
  const firstTitle = ((await cards.first().locator("h4 a").textContent()) ?? "").trim();

  // The whole filtered view (not only the first page of cards), the status saying how many.
  const copied = async (format: string) => {
    await page.getByRole("link", { name: `Copy as ${format}` }).click();
    const status = page.locator("#copy-status");
    await expect(status).toHaveText(new RegExp(`^Copied \\d+ events? as ${format}\\.$`));
    const said = Number(((await status.textContent()) ?? "").match(/\d+/)?.[0]);
    expect(said).toBeGreaterThanOrEqual(count);
    const copiedText = await page.evaluate(() => navigator.clipboard.readText());
    await page.locator("#copy-status").evaluate((el) => (el.textContent = ""));
    return { said, copiedText };
  };

  const text = await copied("text");
  expect(text.copiedText).toContain(firstTitle);
  expect(text.copiedText.split("\n").filter((line) => line.startsWith("- ")).length).toBe(text.said);
  expect(text.copiedText).toMatch(/^\w{3} \d{1,2} \w{3}\n- /);
  expect(text.copiedText).toMatch(/\n {2}https:\/\//);

  const markdown = await copied("Markdown");
  expect(markdown.copiedText.startsWith("### ")).toBe(true);
  const items = markdown.copiedText.split("\n").filter((line) => line.startsWith("- **"));
  expect(items.length).toBe(markdown.said);
  expect(items.every((line) => /\]\(<https?:\/\/[^>]+>\)/.test(line))).toBe(true);
  expect(page.url()).toContain("/dashboard?org=rust-berlin");
});

// The guard in fixtures.ts fails any test that trips the policy; this one trips it on purpose
// (with Playwright's own `test`, which has no guard) and checks what the guard listens for.
baseTest("a script the server did not mark does not run, and the browser says why", async ({ page, context }) => {
  await reportViolations(context);
  const refusals: string[] = [];
  page.on("console", (message) => {
    if (message.text().startsWith(VIOLATION_MARK)) refusals.push(message.text());
  });
  await page.goto("/");
  // What an injection into the page would bring: an inline handler (an inline <script> in the
  // HTML is refused the same way; one created by a script already running is trusted, as
  // 'strict-dynamic' means).
  await page.evaluate(() => {
    const button = document.createElement("button");
    button.id = "injected-handler";
    button.textContent = "Injected";
    button.setAttribute("onclick", "window.handlerRan = true");
    document.body.prepend(button);
  });
  await page.click("#injected-handler");
  await expect.poll(() => refusals.length).toBeGreaterThan(0);
  expect(refusals[0]).toContain("script-src");
  expect(await page.evaluate(() => (window as unknown as { handlerRan?: boolean }).handlerRan)).toBeUndefined();
});
