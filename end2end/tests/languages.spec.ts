// Every member's language (issue #35): the browser's, the footer's picker, the account's; dates
// written the reader's way; every page clean under axe in every language at both widths; and the
// journeys a keyboard alone must be able to make.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "./fixtures";
import { signIn, usable } from "./helpers";
import { SITE_ADMIN } from "../global-setup";

const DEMO_MEMBER = { email: "member@demo.convene.test", password: "convene-demo" };
const DEMO_ADMIN = { email: "admin@demo.convene.test", password: "convene-demo" };
const LOCALES = ["en", "de", "fr", "es", "pt", "ar"];
const WIDTHS = [1280, 375];
/** WCAG 2.0 to 2.2, levels A and AA. */
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
/** Month abbreviations as German readers know them (not from the code under test). */
const GERMAN_MONTHS = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"];
const ARABIC_DAYS = ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"];

async function html(page: Page) {
  return page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));
}

test("the language follows the browser, then the footer's picker, and a member's account everywhere", async ({ browser }) => {
  // A German browser: German pages, German dates on the dashboard's cards.
  const german = await browser.newContext({ locale: "de-DE" });
  const page = await german.newPage();
  await page.goto("/dashboard?layout=day");
  await usable(page);
  expect(await html(page)).toEqual({ lang: "de", dir: "ltr" });
  await expect(page.getByRole("navigation", { name: "Hauptmenü" }).getByRole("link", { name: "Übersicht" })).toBeVisible();
  const when = (await page.locator(".dash-time time").first().textContent()) ?? "";
  expect(when, "a German date").toMatch(new RegExp(`\\d{1,2}\\. (${GERMAN_MONTHS.join("|")})`));

  // The picker in the footer: Arabic, right to left, on the same page.
  await page.getByLabel("Sprache", { exact: true }).selectOption("ar");
  await page.getByRole("button", { name: "Sprache wechseln" }).click();
  await expect(page).toHaveURL(/\/dashboard\?layout=day$/);
  await usable(page);
  expect(await html(page)).toEqual({ lang: "ar", dir: "rtl" });
  await expect(page.getByRole("link", { name: "لوحة المتابعة" })).toBeVisible();
  // An event's page in Arabic: the day's name and a twelve-hour clock.
  await page.locator('a[href^="/events/"]').first().click();
  await usable(page);
  const arabicWhen = (await page.locator(".event-time time").textContent()) ?? "";
  expect(ARABIC_DAYS.some((day) => arabicWhen.includes(day)), arabicWhen).toBe(true);
  await expect(page.getByRole("link", { name: "أضف إلى التقويم" })).toBeVisible();
  await german.close();

  // A member chooses German on the account page; another browser, English by its own choice,
  // shows German once they sign in there. (The demo's member, set back to the browser's
  // language afterwards: the other tests read them in English.)
  const first = await browser.newContext({ locale: "en-US" });
  const member = await first.newPage();
  await signIn(member, DEMO_MEMBER.email, DEMO_MEMBER.password);
  const second = await browser.newContext({ locale: "en-US" });
  try {
    await member.goto("/account");
    await usable(member);
    const language = member.getByRole("region", { name: "Language" });
    await language.getByLabel("Language").selectOption("de");
    await language.getByRole("button", { name: "Save language" }).click();
    await expect(member.getByRole("status").filter({ hasText: "Deine Sprache ist gespeichert." })).toBeVisible();
    expect((await html(member)).lang).toBe("de");

    const elsewhere = await second.newPage();
    await elsewhere.goto("/orgs");
    await usable(elsewhere);
    expect((await html(elsewhere)).lang).toBe("en");
    await signIn(elsewhere, DEMO_MEMBER.email, DEMO_MEMBER.password);
    await elsewhere.goto("/orgs");
    await usable(elsewhere);
    expect((await html(elsewhere)).lang).toBe("de");
    await expect(elsewhere.getByRole("link", { name: "Übersicht" })).toBeVisible();
  } finally {
    await member.goto("/account");
    await usable(member);
    await member.locator("#field-language").selectOption("");
    await member.locator('section[aria-labelledby="language-heading"] button[type="submit"]').click();
    await expect(member.locator("html")).toHaveAttribute("lang", "en");
    await first.close();
    await second.close();
  }
});

/** The pages each kind of visitor sees, with what their addresses need from the demo's data. */
async function pagesOf(page: Page) {
  await page.goto("/dashboard?layout=day");
  await usable(page);
  const event = await page.locator('a[href^="/events/"]').first().getAttribute("href");
  expect(event, "the demo's dashboard links an event's page").toMatch(/^\/events\/\w+$/);
  return {
    "signed out": [
      "/",
      "/dashboard",
      "/dashboard?layout=day",
      "/dashboard?layout=month",
      "/dashboard?layout=map",
      "/orgs/rust-berlin",
      "/orgs/rust-berlin/events",
      event as string,
      "/status",
      "/login",
      "/signup",
      "/login/forgot",
      "/no-such-page",
    ],
    member: ["/dashboard", "/account", "/orgs/rust-lisbon"],
    "org admin": ["/orgs/rust-berlin/settings", "/orgs/rust-berlin/members", "/orgs/rust-berlin/insights", "/orgs/rust-berlin/topics"],
    "site admin": ["/admin/mail", "/admin/luma", "/admin/network"],
  } as Record<string, string[]>;
}

const SIGN_IN: Record<string, { email: string; password: string } | null> = {
  "signed out": null,
  member: DEMO_MEMBER,
  "org admin": DEMO_ADMIN,
  "site admin": SITE_ADMIN,
};

for (const persona of Object.keys(SIGN_IN)) {
  test(`axe finds nothing on the pages of the ${persona}, in every language, at 1280 and 375 px`, async ({ browser }) => {
    test.setTimeout(15 * 60_000);
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const account = SIGN_IN[persona];
    if (account) {
      await signIn(page, account.email, account.password);
    }
    const paths = (await pagesOf(page))[persona];
    const found: string[] = [];
    for (const locale of LOCALES) {
      // The footer picker's cookie, for the whole site.
      await context.addCookies([{ name: "lang", value: locale, domain: new URL(page.url()).hostname, path: "/" }]);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        for (const path of paths) {
          await page.goto(path);
          await usable(page);
          expect((await html(page)).lang, `${path} in ${locale}`).toBe(locale);
          const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
          for (const violation of results.violations) {
            const where = violation.nodes.map((node) => node.target.join(" ")).slice(0, 3).join(", ");
            found.push(`${path} [${locale}, ${width} px] ${violation.id}: ${violation.help} (${where})`);
          }
        }
      }
    }
    expect(found, found.join("\n")).toEqual([]);
    await context.close();
  });
}

/** The element with the focus: what it is, and whether a reader can see it (on screen, with a
 * focus indicator, and not covered by anything else). */
async function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) {
      return { text: "", visible: false, ring: false, covered: false };
    }
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    const ring = style.outlineStyle !== "none" && style.outlineWidth !== "0px" ? true : style.boxShadow !== "none";
    const x = Math.min(Math.max(box.left + box.width / 2, 0), window.innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 0), window.innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    const covered = !!top && !element.contains(top) && !top.contains(element);
    return {
      text: (element.getAttribute("aria-label") ?? element.textContent ?? "").trim() || element.tagName,
      visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight,
      ring,
      covered,
    };
  });
}

/** Presses Tab until `reached` holds for the focused element (at most `steps` times), checking
 * that every element the focus passes is visibly focused and uncovered (target sizes are axe's
 * `target-size` rule, in the matrix above). */
async function tabUntil(page: Page, reached: () => Promise<boolean>, steps = 60) {
  for (let step = 0; step < steps; step++) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    expect(now.visible && now.ring, `the focus on "${now.text}" is visible`).toBe(true);
    expect(now.covered, `nothing covers the focused "${now.text}"`).toBe(false);
    if (await reached()) {
      return;
    }
  }
  throw new Error("Tab never reached its target");
}

test("a keyboard alone signs in, filters the dashboard, opens an event and saves the settings", async ({ page }) => {
  await page.goto("/login");
  await usable(page);
  // The first Tab reaches the skip link, shown when focused; it moves the focus to the content.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
  // Landmarks: one banner, one main, one footer (contentinfo), a named navigation.
  await expect(page.getByRole("banner")).toHaveCount(1);
  await expect(page.getByRole("main")).toHaveCount(1);
  await expect(page.getByRole("contentinfo")).toHaveCount(1);
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(1);

  // Sign in.
  await tabUntil(page, async () => page.getByLabel("Email").evaluate((field) => field === document.activeElement));
  await page.keyboard.type(DEMO_MEMBER.email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(DEMO_MEMBER.password);
  await page.keyboard.press("Enter");
  await expect(page.locator(".user-name")).toBeVisible();

  // Filter the dashboard: to its search field, a word, Enter.
  await page.goto("/dashboard?layout=day");
  await usable(page);
  const search = page.getByLabel("Search");
  await tabUntil(page, async () => search.evaluate((field) => field === document.activeElement), 80);
  await page.keyboard.type("Rust");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/q=Rust/);
  await usable(page);

  // Open an event: Tab to its page's link, Enter.
  await tabUntil(page, async () => page.evaluate(() => !!document.activeElement?.matches('a[href^="/events/"]')), 120);
  const href = await page.evaluate(() => document.activeElement?.getAttribute("href") ?? "");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  // Save the settings: the account's mail settings, Tab to their button, Enter.
  await page.goto("/account");
  await usable(page);
  const save = page.getByRole("button", { name: "Save mail settings" });
  await tabUntil(page, async () => save.evaluate((button) => button === document.activeElement), 120);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Saved your mail settings." })).toBeVisible();
});
