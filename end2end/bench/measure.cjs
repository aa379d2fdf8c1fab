// What a visit to a page costs, measured in Chromium: shared by `make bench-web` (bench/web.mjs)
// and the browser suite's byte budgets (tests/budgets.spec.ts), so both count the same way.
// CommonJS, so that both the ESM benchmark and the TypeScript tests can import it.

const PASSWORD = "convene-demo";
const MEMBER = "member@demo.convene.test";
const ADMIN = "admin@demo.convene.test";

/** Content pages ship no WebAssembly; the dashboard and the settings panel ship their island. */
const CONTENT_BUDGET = 60_000;
const ISLAND_BUDGET = 200_000;

/** The pages measured, each with its first-visit budget in bytes on the wire (issue #15). */
const PAGES = [
  { name: "directory", path: "/", budget: CONTENT_BUDGET },
  { name: "organization", path: "/orgs/rust-berlin", budget: CONTENT_BUDGET },
  { name: "events (calendar)", path: "/orgs/rust-berlin/events", budget: CONTENT_BUDGET },
  { name: "events (list)", path: "/orgs/rust-berlin/events?view=list", budget: CONTENT_BUDGET },
  { name: "dashboard (visitor)", path: "/dashboard", budget: ISLAND_BUDGET },
  { name: "dashboard (member)", path: "/dashboard", as: MEMBER, budget: ISLAND_BUDGET },
  // No island: the month is HTML; the map is HTML, Leaflet and its clustering plugin.
  { name: "dashboard (month)", path: "/dashboard?layout=month", budget: ISLAND_BUDGET },
  { name: "dashboard (map)", path: "/dashboard?layout=map", budget: ISLAND_BUDGET },
  { name: "settings", path: "/orgs/rust-berlin/settings", as: ADMIN, budget: ISLAND_BUDGET },
  { name: "login", path: "/login", budget: CONTENT_BUDGET },
  { name: "event page", path: firstEventPage, budget: CONTENT_BUDGET },
  { name: "topic", path: "/topics/talks", budget: CONTENT_BUDGET },
  { name: "widget", path: "/embed/events?org=rust-berlin", budget: CONTENT_BUDGET },
];

/** An event's page (its address is random): the first one the sitemap lists. */
async function firstEventPage(base) {
  const sitemap = await (await fetch(`${base}/sitemap.xml`)).text();
  const url = sitemap.match(/<loc>([^<]*\/events\/[0-9a-f]+)<\/loc>/)?.[1];
  if (!url) throw new Error("the sitemap lists no event page");
  return new URL(url).pathname;
}

/** Emulated Fast 4G: about 9 Mbit/s both ways, 170 ms round trips. */
const FAST_4G = {
  offline: false,
  latency: 170,
  downloadThroughput: (9 * 1000 * 1000) / 8,
  uploadThroughput: (9 * 1000 * 1000) / 8,
};

/** Usable: loaded, and the page's island hydrated when it has one (it marks <html>). */
async function usable(page) {
  await page.waitForLoadState("load");
  await page.waitForFunction(
    () => !document.querySelector("leptos-island") || document.documentElement.dataset.hydrated === "true",
    undefined,
    { timeout: 60_000 },
  );
}

async function signIn(page, base, email) {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForSelector(".user-name");
}

/** The server writes the bundle's .br/.gz copies once after a build: wait for them. */
async function waitForPrecompressed(base) {
  const html = await (await fetch(`${base}/dashboard`)).text();
  const wasm = html.match(/href="([^"]+\.wasm)"/)?.[1];
  if (!wasm) throw new Error("no wasm link on /dashboard");
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${base}${wasm}`, { method: "HEAD", headers: { "accept-encoding": "br" } });
    if (response.headers.get("content-encoding") === "br") return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${wasm} is not served precompressed`);
}

/** One visit: bytes received (headers and bodies, as sent) and ms until usable. */
async function visit(page, cdp, url) {
  let bytes = 0;
  const finished = (event) => {
    bytes += event.encodedDataLength;
  };
  cdp.on("Network.loadingFinished", finished);
  await page.goto(url, { waitUntil: "load" });
  await usable(page);
  const usableMs = await page.evaluate(() => performance.now());
  // Late requests of the page itself (server functions after hydration) count too.
  await page.waitForLoadState("networkidle");
  cdp.off("Network.loadingFinished", finished);
  return { bytes, usableMs };
}

/**
 * A first visit with an empty cache and a second one with its cache, as `spec.as` when given.
 * `throttle` emulates Fast 4G and a 4x slower CPU (times mean nothing without it).
 */
async function measure(browser, base, spec, { throttle }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  if (spec.as) await signIn(page, base, spec.as);
  await cdp.send("Network.clearBrowserCache");
  if (throttle) {
    await cdp.send("Network.emulateNetworkConditions", FAST_4G);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  }
  const path = typeof spec.path === "function" ? await spec.path(base) : spec.path;
  const first = await visit(page, cdp, `${base}${path}`);
  const second = await visit(page, cdp, `${base}${path}`);
  await context.close();
  return { first, second };
}

/** Marks the document, so that `pageLoads` can tell a new one (a page load) from an update. */
async function markDocument(page) {
  await page.evaluate(() => {
    window.conveneDocumentMark = true;
  });
}

/** 1 when the page was loaded again since `markDocument` (history updates do not count). */
async function pageLoads(page) {
  return (await page.evaluate(() => window.conveneDocumentMark === true)) ? 0 : 1;
}

/**
 * Waits until the dashboard shows the view its address names: the panel is not waiting for an
 * answer and says it shows the address's query (after a page load, or an update in place).
 */
async function showsAddress(page) {
  await page.waitForFunction(
    () => {
      const panel = document.querySelector(".events-panel");
      return (
        document.documentElement.dataset.hydrated === "true" &&
        panel?.getAttribute("aria-busy") === "false" &&
        panel.getAttribute("data-showing") === location.search.replace(/^\?/, "")
      );
    },
    undefined,
    { timeout: 60_000 },
  );
}

/**
 * Times the next filter change in the page itself: from the first `input` or `change` event
 * (its timestamp: when the browser received the choice) until the panel shows the new
 * address's view and the frame with it is painted (a task after the next animation frame).
 * The driver's own round trips (choosing the option, polling) do not count.
 */
async function timeNextChange(page) {
  await page.evaluate(() => {
    const timing = {};
    window.conveneChange = timing;
    const started = (event) => {
      timing.started ??= event.timeStamp;
    };
    document.addEventListener("input", started, { capture: true, once: true });
    document.addEventListener("change", started, { capture: true, once: true });
    const shown = () => {
      const panel = document.querySelector(".events-panel");
      return (
        panel?.getAttribute("aria-busy") === "false" &&
        panel.getAttribute("data-showing") === location.search.replace(/^\?/, "")
      );
    };
    const observer = new MutationObserver(() => {
      if (timing.started === undefined || !shown()) return;
      observer.disconnect();
      timing.shown = performance.now();
      requestAnimationFrame(() =>
        setTimeout(() => {
          timing.painted = performance.now();
        }, 0),
      );
    });
    observer.observe(document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ["aria-busy", "data-showing"],
    });
  });
}

/** The timing `timeNextChange` recorded, with the server function's round trip in it. */
async function changeTiming(page) {
  await page.waitForFunction(() => window.conveneChange?.painted !== undefined, undefined, { timeout: 60_000 });
  return page.evaluate(() => {
    const timing = window.conveneChange;
    const asked = performance
      .getEntriesByType("resource")
      .filter((entry) => entry.name.includes("/api/get_dashboard") && entry.startTime >= timing.started);
    const roundTrip = asked.reduce((sum, entry) => sum + entry.duration, 0);
    return { ms: timing.painted - timing.started, roundTripMs: roundTrip, requests: asked.length };
  });
}

/**
 * A filter change on a member's dashboard (issue #30): from choosing "This week" until the
 * updated list is painted (timed by the page, see `timeNextChange`). Returns the time, the
 * server function's round trip in it and the bytes received meanwhile; throws when the page
 * was loaded again instead of updated in place.
 */
async function filterChange(browser, base, { throttle }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await signIn(page, base, MEMBER);
  await page.goto(`${base}/dashboard`);
  await usable(page);
  await page.waitForLoadState("networkidle");
  await markDocument(page);
  if (throttle) {
    await cdp.send("Network.emulateNetworkConditions", FAST_4G);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  }
  let bytes = 0;
  const finished = (event) => {
    bytes += event.encodedDataLength;
  };
  cdp.on("Network.loadingFinished", finished);
  await timeNextChange(page);
  await page.locator("#filter-range").selectOption("week");
  await page.waitForURL(/[?&]range=week/, { timeout: 60_000 });
  await showsAddress(page);
  if ((await pageLoads(page)) > 0) throw new Error("the filter change loaded the page again");
  const timing = await changeTiming(page);
  await page.waitForLoadState("networkidle");
  cdp.off("Network.loadingFinished", finished);
  await context.close();
  return { ...timing, bytes };
}

module.exports = { PAGES, filterChange, markDocument, measure, pageLoads, showsAddress, usable, waitForPrecompressed };
