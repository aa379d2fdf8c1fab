// `make bench-web`: what a first and a second visit to each page cost, in Chromium against the
// release build with the demo data. For each page: bytes on the wire with an empty cache and
// again with the cache of that first visit, and the time until the page is usable (loaded, and
// its island hydrated when it has one) under emulated Fast 4G (9 Mbit/s, 170 ms round trips)
// with the CPU slowed 4x; and a member's filter change, from the choice to the painted new list
// (issue #30), timed by the page itself. Median of RUNS runs. Prints a Markdown table with each page's byte
// budget; with BENCH_JSON=path also writes the figures as JSON. The measuring is in measure.cjs,
// which the browser suite's budget test uses too.
import { chromium } from "@playwright/test";
import { writeFileSync } from "node:fs";
import measureModule from "./measure.cjs";

const { PAGES, filterChange, measure, waitForPrecompressed } = measureModule;
const BASE = process.env.BENCH_BASE_URL ?? "http://127.0.0.1:3300";
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

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

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function main() {
  await waitForServer();
  await waitForPrecompressed(BASE);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
  const results = [];
  for (const spec of PAGES) {
    const runs = [];
    for (let run = 0; run < RUNS; run += 1) runs.push(await measure(browser, BASE, spec, { throttle: true }));
    results.push({
      page: spec.name,
      path: typeof spec.path === "function" ? "/events/<first in the sitemap>" : spec.path,
      budget: spec.budget,
      firstVisitBytes: median(runs.map((r) => r.first.bytes)),
      secondVisitBytes: median(runs.map((r) => r.second.bytes)),
      usableMs: Math.round(median(runs.map((r) => r.first.usableMs))),
    });
  }
  const changes = [];
  for (let run = 0; run < RUNS; run += 1) changes.push(await filterChange(browser, BASE, { throttle: true }));
  const change = {
    ms: Math.round(median(changes.map((c) => c.ms))),
    roundTripMs: Math.round(median(changes.map((c) => c.roundTripMs))),
    bytes: median(changes.map((c) => c.bytes)),
  };
  await browser.close();
  const kb = (bytes) => (bytes / 1000).toFixed(1);
  console.log(`Fast 4G (9 Mbit/s, 170 ms RTT), CPU 4x slower; median of ${RUNS} runs; ${BASE}\n`);
  console.log("| page | first visit (KB on the wire) | budget (KB) | second visit (KB) | usable after (ms) |");
  console.log("|---|---|---|---|---|");
  for (const r of results) {
    console.log(`| ${r.page} \`${r.path}\` | ${kb(r.firstVisitBytes)} | ${kb(r.budget)} | ${kb(r.secondVisitBytes)} | ${r.usableMs} |`);
  }
  console.log("\n| a member's filter change (\"This week\"), in place | until the new list is painted (ms) | of which the server function's round trip (ms) | KB on the wire |");
  console.log("|---|---|---|---|");
  console.log(`| \`/dashboard\` → \`?range=week\` | ${change.ms} | ${change.roundTripMs} | ${kb(change.bytes)} |`);
  if (process.env.BENCH_JSON) {
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ pages: results, filterChange: change }, null, 2));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
