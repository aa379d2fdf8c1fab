// Each page's first visit, with an empty cache, stays within its byte budget (issue #15): content
// pages ship no WebAssembly (60 KB), the dashboard and the settings panel their island (200 KB).
// Measured as `make bench-web` measures (bench/measure.cjs), against the release build the suite
// runs on; bytes are deterministic, so the budget is the assertion (times are only benchmarked).
import { expect, test } from "./fixtures";
import measureModule from "../bench/measure.cjs";

const { PAGES, measure, waitForPrecompressed } = measureModule;

test.beforeAll(async ({ baseURL }) => {
  await waitForPrecompressed(baseURL);
});

for (const spec of PAGES) {
  test(`first visit to ${spec.name} stays within ${spec.budget / 1000} KB`, async ({ browser, baseURL }) => {
    const { first, second } = await measure(browser, baseURL, spec, { throttle: false });
    expect(first.bytes, `${spec.path}: ${first.bytes} bytes on the wire`).toBeLessThanOrEqual(spec.budget);
    // A second visit fetches the page again (HTML is never cached without asking) and nothing else.
    expect(second.bytes, `${spec.path} again: ${second.bytes} bytes`).toBeLessThan(first.bytes);
  });
}
