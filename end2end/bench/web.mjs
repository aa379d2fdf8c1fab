// `make bench-web`: what a first and a second visit to each page cost, in Chromium against the
// release build with the demo data. For each page: bytes on the wire with an empty cache and
// again with the cache of that first visit, and the time until the page is usable (the app
// marks <html data-hydrated> once hydration is done) under emulated Fast 4G (9 Mbit/s, 170 ms
// round trips) with the CPU slowed 4x. Median of RUNS runs. Prints a Markdown table; with
// BENCH_JSON=path also writes the figures as JSON (the browser suite's budgets use them).
import { chromium } from "@playwright/test";
import { writeFileSync } from "node:fs";

const BASE = process.env.BENCH_BASE_URL ?? "http://127.0.0.1:3300";
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PASSWORD = "convene-demo";
const MEMBER = "member@demo.convene.test";
const ADMIN = "admin@demo.convene.test";
const FAST_4G = {
  offline: false,
  latency: 170,
  downloadThroughput: (9 * 1000 * 1000) / 8,
  uploadThroughput: (9 * 1000 * 1000) / 8,
};

export const PAGES = [
  { name: "directory", path: "/" },
  { name: "organization", path: "/orgs/rust-berlin" },
  { name: "events (calendar)", path: "/orgs/rust-berlin/events" },
  { name: "events (list)", path: "/orgs/rust-berlin/events?view=list" },
  { name: "dashboard (visitor)", path: "/dashboard" },
  { name: "dashboard (member)", path: "/dashboard", as: MEMBER },
  { name: "settings", path: "/orgs/rust-berlin/settings", as: ADMIN },
  { name: "login", path: "/login" },
];

async function waitForServer() {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${BASE} did not answer /healthz`);
}

/** The server writes the bundle's .br/.gz copies once after a build: wait for them. */
async function waitForPrecompressed() {
  const html = await (await fetch(`${BASE}/login`)).text();
  const wasm = html.match(/href="([^"]+\.wasm)"/)?.[1];
  if (!wasm) throw new Error("no wasm link on /login");
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${BASE}${wasm}`, { method: "HEAD", headers: { "accept-encoding": "br" } });
    if (response.headers.get("content-encoding") === "br") return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${wasm} is not served precompressed`);
}

async function signIn(page, email) {
  await page.goto(`${BASE}/login`);
  await page.waitForSelector("html[data-hydrated]");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForSelector(".user-name");
}

/** One visit: bytes received (headers and bodies, as sent) and ms until hydrated. */
async function visit(page, cdp, path) {
  let bytes = 0;
  const finished = (event) => {
    bytes += event.encodedDataLength;
  };
  cdp.on("Network.loadingFinished", finished);
  await page.goto(`${BASE}${path}`, { waitUntil: "load" });
  await page.waitForSelector("html[data-hydrated]", { timeout: 60_000 });
  const usableMs = await page.evaluate(() => performance.now());
  // Late requests of the page itself (server functions after hydration) count too.
  await page.waitForLoadState("networkidle");
  cdp.off("Network.loadingFinished", finished);
  return { bytes, usableMs };
}

async function measure(browser, spec) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  if (spec.as) await signIn(page, spec.as);
  await cdp.send("Network.clearBrowserCache");
  await cdp.send("Network.emulateNetworkConditions", FAST_4G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const first = await visit(page, cdp, spec.path);
  const second = await visit(page, cdp, spec.path);
  await context.close();
  return { first, second };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main() {
  await waitForServer();
  await waitForPrecompressed();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
  const results = [];
  for (const spec of PAGES) {
    const runs = [];
    for (let run = 0; run < RUNS; run += 1) runs.push(await measure(browser, spec));
    results.push({
      page: spec.name,
      path: spec.path,
      firstVisitBytes: median(runs.map((r) => r.first.bytes)),
      secondVisitBytes: median(runs.map((r) => r.second.bytes)),
      usableMs: Math.round(median(runs.map((r) => r.first.usableMs))),
    });
  }
  await browser.close();
  const kb = (bytes) => (bytes / 1000).toFixed(1);
  console.log(`Fast 4G (9 Mbit/s, 170 ms RTT), CPU 4x slower; median of ${RUNS} runs; ${BASE}\n`);
  console.log("| page | first visit (KB on the wire) | second visit (KB) | usable after (ms) |");
  console.log("|---|---|---|---|");
  for (const r of results) {
    console.log(`| ${r.page} \`${r.path}\` | ${kb(r.firstVisitBytes)} | ${kb(r.secondVisitBytes)} | ${r.usableMs} |`);
  }
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(results, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
