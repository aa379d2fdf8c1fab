// `scripts/test-dist.sh`: the dashboard of an unpacked release hydrates in Chromium (its island
// loads the bundle under its content-hashed name and runs). Exits non-zero otherwise.
import { chromium } from "@playwright/test";

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  const failed = [];
  // The bundle must load, and nothing it runs may be refused by the Content-Security-Policy.
  page.on("response", (response) => {
    if (response.url().includes("/pkg/") && response.status() >= 400) {
      failed.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("Content Security Policy")) {
      failed.push(`console: ${message.text()}`);
    }
  });
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true", null, {
    timeout: 20_000,
  });
  if (failed.length > 0) throw new Error(`the page hydrated, but: ${failed.join("; ")}`);
  console.log(`test-dist: ${url} hydrated`);
} finally {
  await browser.close();
}
