// Every browser test runs under the server's Content-Security-Policy and fails on any
// violation, in every context a test opens (its own `page` and those from
// `browser.newContext()`). Chromium's own report of a refusal never reaches Playwright's console
// events, so each page forwards the `securitypolicyviolation` event it gets to its console.
import { test as base, expect, type Browser, type BrowserContext } from "@playwright/test";

export { expect };
export type { Page } from "@playwright/test";

/** What a page's console says when its policy refused something. */
export const VIOLATION_MARK = "CSP violation:";

/** Makes every page of `context` say each refusal on its console (before any page script). */
export async function reportViolations(context: BrowserContext) {
  await context.addInitScript((mark: string) => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`${mark} ${event.effectiveDirective} refused ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
    });
  }, VIOLATION_MARK);
}

async function watch(context: BrowserContext, violations: string[]) {
  await reportViolations(context);
  context.on("console", (message) => {
    if (message.text().startsWith(VIOLATION_MARK)) {
      violations.push(`${message.page()?.url() ?? "?"}: ${message.text()}`);
    }
  });
}

export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ browser, context }, use) => {
      const violations: string[] = [];
      await watch(context, violations);
      const newContext = browser.newContext.bind(browser);
      const patched = browser as Browser & { newContext: Browser["newContext"] };
      patched.newContext = async (options) => {
        const opened = await newContext(options);
        await watch(opened, violations);
        return opened;
      };
      await use(violations);
      patched.newContext = newContext;
      expect(violations, violations.join("\n")).toEqual([]);
    },
    { auto: true },
  ],
});
