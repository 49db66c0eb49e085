import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person, chooseExchange, checkTile } from "./support";

const PHONE = { width: 390, height: 844 };
const SIGNAL = `phone-${Date.now().toString(36)}`;
// User-provided names without a space: they must wrap, not push the page sideways.
const STRATEGY = `Strategy${"X".repeat(72)}`;
const LABEL = `Paper${"Y".repeat(55)}`;
const DESCRIPTION = `Description${"Z".repeat(69)}`;

/** The page has rendered: no loading skeleton or streamed section still waiting (they mark themselves aria-busy). */
async function settled(page: Page) {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

/** No sideways scrolling; a failure names the deepest elements that stick out, to say what to fix. */
async function fitsThePhone(page: Page) {
  await settled(page);
  const widths = await page.evaluate(() => {
    const inner = window.innerWidth;
    const sticksOut = (el: Element) => el.getBoundingClientRect().right + window.scrollX > inner + 0.5;
    const out = [...document.querySelectorAll("body *")]
      .filter((el) => !el.closest("[data-slot=table-scroll]") && sticksOut(el) && ![...el.children].some(sticksOut))
      .slice(0, 5)
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") ?? ""}">${(el.textContent ?? "").slice(0, 40)}`);
    return { scroll: document.documentElement.scrollWidth, inner, out };
  });
  expect.soft(widths.scroll, `${page.url()} is ${widths.scroll}px wide on a ${widths.inner}px screen: ${widths.out.join(" | ")}`).toBeLessThanOrEqual(widths.inner);
}

/** Every table is inside a wrapper that scrolls sideways and shows it can (a fading edge). */
async function tablesScrollVisibly(page: Page) {
  const bare = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLTableElement>("main table")]
      // lightweight-charts lays its canvases out in a table of its own: not a data table.
      .filter((t) => !t.parentElement?.matches('[data-slot="table-scroll"]') && !t.closest(".tv-lightweight-charts"))
      .map((t) => `${t.dataset.testid ?? "table"} in <${t.parentElement?.tagName.toLowerCase()} class="${t.parentElement?.className}">`),
  );
  expect(bare, page.url()).toEqual([]);
}

test.describe.serial("a phone: every main page fits 390 px, long names wrap, tables scroll visibly", () => {
  let admin: Person;
  let trader: Person;
  let accountUrl = "";
  let strategiesUrl = "";

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, `Phil${"W".repeat(60)}`);
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("a trader sets up a paper account and a strategy with long names", async () => {
    await admin.page.goto("/admin/signals");
    await admin.page.getByLabel("Name").fill(SIGNAL);
    await admin.page.getByLabel("Description").fill(DESCRIPTION);
    await admin.page.getByTestId("create-signal").click();
    await expect(admin.page.getByTestId("secret-reveal")).toBeVisible();

    const page = trader.page;
    await page.setViewportSize(PHONE);
    await page.goto("/dashboard/accounts/new");
    await chooseExchange(page, "paper");
    await page.getByLabel("Label").fill(LABEL);
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("account-added")).toBeVisible();
    accountUrl = page.url().split("?")[0]!;

    await page.goto("/dashboard/strategies/new");
    await page.getByLabel("Name").fill(STRATEGY);
    await page.getByLabel("Signal").selectOption({ label: SIGNAL });
    await page.getByLabel("Symbol").fill("BTC/USDT");
    // A negative size is refused once, not with the same sentence twice.
    await page.getByLabel("Amount in quote").fill("-5");
    await page.getByTestId("create-strategy").click();
    await expect(page.getByTestId("error-sizingValue")).toHaveText("Enter a positive amount, e.g. 1000 or 0.015.");
    await fitsThePhone(page);
    await page.getByLabel("Amount in quote").fill("100");
    await page.getByLabel("Take profit, %").fill("5");
    await page.getByTestId("create-strategy").click();

    const strategy = page.locator(`[data-testid="strategy"][data-name="${STRATEGY}"]`);
    await expect(strategy).toHaveAttribute("open", "");
    strategiesUrl = page.url().split("#")[0]!;
    await strategy.getByTestId("send-test-signal").click();
    await expect(strategy.getByTestId("test-signal-result")).toBeVisible();
    await fitsThePhone(page);
  });

  test("the manual order form says a huge amount is too large; cancel-all offers to keep the orders", async () => {
    const page = trader.page;
    await page.goto(accountUrl);
    const form = page.getByTestId("order-form");
    await form.getByTestId("order-symbol").fill("BTC/USDT");
    // Paper markets have a maximum, so the form answers before sending (the server's own answer, "too
    // large", is in tests/unit/field-errors.test.ts).
    await form.getByTestId("order-amount").fill("1e30");
    await expect(form.getByTestId("order-live-error")).toHaveText("Above the market's maximum amount of 9000000.");

    const resting = await page.getByTestId("open-order").count(); // the strategy's take-profit, if its buy filled
    await checkTile(form.getByTestId("type-limit"));
    await form.getByLabel(/limit price/i).fill("1000");
    await form.getByTestId("order-amount").fill("0.01");
    await form.getByTestId("order-submit").click();
    await expect(form.getByTestId("order-feedback")).toContainText("placed, waiting on the book");
    await expect(page.getByTestId("open-order")).toHaveCount(resting + 1);
    await fitsThePhone(page);

    await page.getByTestId("cancel-all").click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("button", { name: "Keep orders" })).toBeVisible();
    await expect(dialog.getByRole("button", { name: /^cancel$/i })).toHaveCount(0);
    await page.screenshot({ path: "screenshots/cancel-all-phone-en.png" });
    await dialog.getByRole("button", { name: "Keep orders" }).click();
    await expect(page.getByTestId("open-order")).toHaveCount(resting + 1);
  });

  test("every trader page fits a phone in English, Russian and Ukrainian", async ({ baseURL }) => {
    test.setTimeout(120_000); // nine pages in each of three languages
    const page = trader.page;
    const pages: [string, string][] = [
      ["overview", "/dashboard"],
      ["strategies", strategiesUrl],
      ["strategy-new", "/dashboard/strategies/new"],
      ["accounts", "/dashboard/accounts"],
      ["account", accountUrl],
      ["orders", "/dashboard/orders"],
      ["statistics", "/dashboard/statistics"],
      ["settings", "/dashboard/settings"],
      ["two-factor", "/dashboard/settings/two-factor"],
    ];
    for (const locale of ["en", "ru", "uk"] as const) {
      await trader.context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      for (const [name, path] of pages) {
        await page.goto(path);
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        await fitsThePhone(page);
        await tablesScrollVisibly(page);
        await page.screenshot({ path: `screenshots/phone-${name}-${locale}.png`, fullPage: true });
      }
    }
    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
  });

  test("the sidebar covers a long page on a desktop, and the menu opens on a phone", async () => {
    const page = trader.page;
    // A short desktop window, so the page is longer than the screen whatever the data.
    await page.setViewportSize({ width: 1280, height: 480 });
    await page.goto(accountUrl);
    await settled(page);
    // The dark column runs the page's whole length (a full-page screenshot too), its links stay in view.
    const pageHeight = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(pageHeight).toBeGreaterThan(480);
    const sidebar = page.getByTestId("sidebar");
    expect((await sidebar.boundingBox())!.height).toBeGreaterThanOrEqual(pageHeight - 1); // scrollHeight is rounded
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect(page.getByRole("navigation", { name: "Trading" }).getByRole("link", { name: "Orders" })).toBeInViewport();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: "screenshots/desktop-account-en.png", fullPage: true });

    await page.setViewportSize(PHONE);
    await page.goto("/dashboard/orders");
    await page.getByTestId("mobile-nav-trigger").click();
    await expect(page.getByRole("dialog").getByRole("link", { name: "Strategies" })).toBeVisible();
    await page.screenshot({ path: "screenshots/phone-menu-en.png" });
    await page.keyboard.press("Escape");
  });

  test("admin pages and the sign-in pages fit a phone", async ({ browser, baseURL }) => {
    const page = admin.page;
    await page.setViewportSize(PHONE);
    const visitor = await browser.newContext({ viewport: PHONE });
    const anon = await visitor.newPage();
    for (const locale of ["en", "ru", "uk"] as const) {
      await admin.context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      for (const [name, path] of [
        ["admin-users", `/admin/users?q=${encodeURIComponent(trader.email)}`],
        ["admin-signals", "/admin/signals"],
        ["admin-settings", "/admin/settings"],
      ] as const) {
        await page.goto(path);
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        await fitsThePhone(page);
        await tablesScrollVisibly(page);
        await page.screenshot({ path: `screenshots/phone-${name}-${locale}.png`, fullPage: true });
      }
      await visitor.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      for (const name of ["login", "register"] as const) {
        await anon.goto(`/${name}`);
        await expect(anon.locator("html")).toHaveAttribute("lang", locale);
        await fitsThePhone(anon);
        await anon.screenshot({ path: `screenshots/phone-${name}-${locale}.png`, fullPage: true });
      }
    }
    await admin.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
    await page.setViewportSize({ width: 1280, height: 720 });
    await visitor.close();
  });
});
