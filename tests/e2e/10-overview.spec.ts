import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person, chooseExchange } from "./support";

const SIGNAL = `overview-${Date.now().toString(36)}`;
const STRATEGY = "Overview BTC";

/** Nothing sticks out sideways on a narrow screen (tables may scroll inside their own frame). */
async function fitsTheScreen(page: Page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${page.url()} is ${scroll}px wide on a ${inner}px screen`).toBeLessThanOrEqual(inner);
}

test.describe.serial("the overview: open positions, latest executions, today's P&L and balances", () => {
  let admin: Person;
  let trader: Person;
  let secret = "";

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Olga Overview");
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("a new trader sees a short checklist, which stays until there is an account and a strategy", async () => {
    await admin.page.goto("/admin/signals");
    await admin.page.getByLabel("Name").fill(SIGNAL);
    await admin.page.getByTestId("create-signal").click();
    secret = (await admin.page.getByTestId("signal-secret").textContent()) ?? "";
    expect(secret.length).toBeGreaterThan(30);

    const page = trader.page;
    await page.goto("/dashboard");
    await expect(page.getByTestId("getting-started")).toBeVisible();
    await expect(page.getByTestId("step-done")).toHaveCount(0);
    await expect(page.getByTestId("positions")).toHaveCount(0);

    await page.goto("/dashboard/accounts/new");
    await chooseExchange(page, "paper");
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("account-added")).toBeVisible();
    await page.goto("/dashboard");
    await expect(page.getByTestId("step-done")).toHaveCount(1);
    await expect(page.getByTestId("balances")).toBeVisible();

    await page.goto("/dashboard/strategies/new");
    await page.getByLabel("Name").fill(STRATEGY);
    await page.getByLabel("Signal").selectOption({ label: SIGNAL });
    await page.getByLabel("Symbol").fill("BTC/USDT");
    await page.getByLabel("Amount in quote").fill("100");
    await page.getByTestId("create-strategy").click();
    await expect(page.locator(`[data-testid="strategy"][data-name="${STRATEGY}"]`)).toBeVisible();

    await page.goto("/dashboard");
    await expect(page.getByTestId("getting-started")).toHaveCount(0);
    await expect(page.getByTestId("positions").getByTestId("section-empty")).toBeVisible();
    await expect(page.getByTestId("recent-activity").getByTestId("section-empty")).toBeVisible();
    await expect(page.getByTestId("realized-today")).toHaveText("0.00 USDT");
  });

  test("a filled signal shows as an open position valued at the market, and as the latest execution", async ({ request }) => {
    const buy = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action: "buy", symbol: "BTCUSDT", price: "60000", id: "overview-buy-1" } });
    expect(buy.status()).toBe(202);

    const page = trader.page;
    const position = page.locator(`[data-testid="position"][data-strategy="${STRATEGY}"]`);
    await expect(async () => {
      await page.goto("/dashboard");
      await expect(position).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    // About 100 USDT of BTC near 60 000, less the fee: a quantity, an entry, a price and a P&L.
    await expect(position.getByTestId("position-amount")).toHaveText(/^0\.00\d+$/);
    await expect(position.getByTestId("position-entry")).toHaveText(/^6\d{4}(\.\d{1,2})?$/);
    await expect(position.getByTestId("position-price")).toHaveText(/^\d+(\.\d+)?$/);
    await expect(position.getByTestId("position-unrealized")).toHaveText(/^([+-]\d+\.\d{2}|0\.00) USDT$/);
    await expect(position.getByTestId("position-unrealized-pct")).toHaveText(/^([+-]\d+\.\d{2}|0\.00)%$/);
    await expect(page.getByTestId("unrealized-total")).toBeVisible();

    const latest = page.getByTestId("recent-execution").first();
    await expect(latest).toHaveAttribute("data-kind", "order");
    await expect(latest).toHaveAttribute("data-status", "filled");
    await expect(latest).toContainText("BTC/USDT");
    await expect(latest).toContainText("Filled");
    await page.getByTestId("all-orders").click();
    await expect(page).toHaveURL(/\/dashboard\/orders$/);
    await expect(page.getByTestId("history-row")).toHaveCount(1);
  });

  test("a skipped signal appears without a reload, with its reason; a close books today's P&L", async ({ request }) => {
    const page = trader.page;
    await page.goto("/dashboard");
    await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");
    await page.evaluate(() => Object.assign(window, { __sbSameDocument: true }));

    const cancel = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action: "cancel", symbol: "BTCUSDT", id: "overview-cancel-1" } });
    expect(cancel.status()).toBe(202);
    const skip = page.getByTestId("recent-execution").first();
    await expect(skip).toHaveAttribute("data-kind", "skip", { timeout: 20_000 });
    await expect(skip.getByTestId("skip-reason")).toHaveText("no open orders to cancel");
    expect(await page.evaluate(() => (window as unknown as { __sbSameDocument?: boolean }).__sbSameDocument)).toBe(true);

    const close = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action: "close", symbol: "BTCUSDT", price: "60000", id: "overview-close-1" } });
    expect(close.status()).toBe(202);
    // Buying and selling near one price costs the fees: a small loss, booked today.
    await expect(page.getByTestId("realized-today")).toHaveText(/^-\d+\.\d{2} USDT$/, { timeout: 20_000 });
    await expect(page.getByTestId("recent-execution").first()).toHaveAttribute("data-status", "filled");
    await expect(page.getByTestId("recent-execution").first()).toContainText("Sell");
    // Sold down to the market's amount step: at most dust below one step is left of the position.
    const left = page.getByTestId("position-amount");
    if ((await left.count()) > 0) expect(Number(await left.first().textContent())).toBeLessThan(0.00001);
  });

  test("screenshots on a desktop and a phone, in English and Russian, with a position open", async ({ request, baseURL }) => {
    const buy = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action: "buy", symbol: "BTCUSDT", price: "60000", id: "overview-buy-2" } });
    expect(buy.status()).toBe(202);
    const page = trader.page;
    const position = page.locator(`[data-testid="position"][data-strategy="${STRATEGY}"]`);
    await expect(async () => {
      await page.goto("/dashboard");
      await expect(position).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });

    for (const locale of ["en", "ru"] as const) {
      await trader.context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      for (const [device, width, height] of [["desktop", 1280, 900], ["phone", 390, 844]] as const) {
        await page.setViewportSize({ width, height });
        await page.goto("/dashboard");
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        await expect(position.getByTestId("position-price")).toHaveText(/^\d/);
        await expect(page.getByTestId("balances")).toBeVisible();
        await fitsTheScreen(page);
        await page.screenshot({ path: `screenshots/overview-${device}-${locale}.png`, fullPage: true });
      }
    }
    await expect(page.getByTestId("positions")).toContainText("Открытые позиции");
    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
