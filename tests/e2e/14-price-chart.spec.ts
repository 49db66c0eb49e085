import { expect, test, type Locator, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person, chooseExchange } from "./support";

const SIMULATOR = process.env.E2E_SIMULATOR_URL ?? "http://127.0.0.1:3101";
const SIGNAL = `chart-${Date.now().toString(36)}`;
const STRATEGY = "Chart BTC";

async function simulator(path: string, body: unknown) {
  const res = await fetch(`${SIMULATOR}${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}

/** The chart loads once scrolled into view; the live list may re-render it meanwhile, so this retries. */
async function inView(chart: Locator) {
  await expect(async () => {
    await chart.scrollIntoViewIfNeeded({ timeout: 2_000 });
    await expect(chart).toHaveAttribute("data-state", "ready", { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
}

async function fitsTheScreen(page: Page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${page.url()} is ${scroll}px wide on a ${inner}px screen`).toBeLessThanOrEqual(inner);
}

test.describe.serial("price chart: candles with the strategy's executions", () => {
  let admin: Person;
  let trader: Person;
  let secret = "";
  let strategyId = "";
  // Errors thrown in the trader's page (the chart library's included): any one fails the story.
  const pageErrors: string[] = [];

  test.beforeAll(async ({ browser }) => {
    // Two people signed up and approved: slow on a machine busy with other builds.
    test.setTimeout(120_000);
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Chris Chart");
    trader.page.on("pageerror", (e) => pageErrors.push(e.message));
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("a strategy's chart marks its entry and exit, and the interval switch reloads the candles", async ({ request }) => {
    test.setTimeout(120_000);
    await admin.page.goto("/admin/signals");
    await admin.page.getByLabel("Name").fill(SIGNAL);
    await admin.page.getByTestId("create-signal").click();
    secret = (await admin.page.getByTestId("signal-secret").textContent()) ?? "";

    const page = trader.page;
    // A paper account: its candles are the paper market's own price path (here: the simulator's ticker as it moves).
    await page.goto("/dashboard/accounts/new");
    await chooseExchange(page, "paper");
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("account-added")).toBeVisible();

    await page.goto("/dashboard/strategies/new");
    await page.getByLabel("Name").fill(STRATEGY);
    await page.getByLabel("Signal").selectOption({ label: SIGNAL });
    await page.getByLabel("Symbol").fill("BTC/USDT");
    await page.getByLabel("Amount in quote").fill("100");
    await page.getByLabel("Take profit, %").fill("5");
    await page.getByTestId("create-strategy").click();
    const strategy = page.locator(`[data-testid="strategy"][data-name="${STRATEGY}"]`);
    await expect(strategy).toHaveAttribute("open", "");

    const send = async (action: string, id: string) =>
      expect((await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action, symbol: "BTCUSDT", price: "60000", id } })).status()).toBe(202);
    await send("buy", "chart-buy-1");
    await expect(async () => {
      await page.reload();
      await expect(strategy.getByTestId("execution").first()).toContainText("Filled", { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await simulator("/__sim/price", { symbol: "BTCUSDT", price: "60450.5" });
    await send("close", "chart-close-1");
    await expect(async () => {
      await page.reload();
      await expect(strategy.getByTestId("execution")).toHaveCount(2, { timeout: 1_000 });
      await expect(strategy.getByTestId("execution").first()).toContainText("Filled", { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await send("buy", "chart-buy-2");
    await expect(async () => {
      await page.reload();
      await expect(strategy.getByTestId("strategy-open-orders")).toHaveText("1", { timeout: 1_000 }); // the take-profit
    }).toPass({ timeout: 20_000 });

    // Reloads close the card: open it by its link.
    strategyId = (await strategy.getAttribute("id"))!.replace("strategy-", "");
    await page.goto(`/dashboard/strategies?open=${strategyId}`);
    const chart = strategy.getByTestId("price-chart");
    await inView(chart);
    await expect(chart).toHaveAttribute("data-timeframe", "1h");
    expect(Number(await chart.getAttribute("data-candles"))).toBeGreaterThanOrEqual(1);
    // Two entries and an exit (they may share one candle).
    await expect(chart).toHaveAttribute("data-markers", "3");
    await expect(chart.getByTestId("chart-summary")).toContainText("3 executions marked");
    await expect(chart.locator("canvas").first()).toBeVisible();
    const hourly = Number(await chart.getAttribute("data-first"));
    expect(hourly % 3_600_000).toBe(0);

    const minute = page.waitForResponse((r) => r.url().includes("/api/charts/candles") && r.url().includes("timeframe=1m"));
    await chart.getByRole("button", { name: "1m" }).click();
    expect((await minute).status()).toBe(200);
    await expect(chart).toHaveAttribute("data-timeframe", "1m");
    await expect(chart).toHaveAttribute("data-state", "ready");
    await expect(chart.getByRole("button", { name: "1m" })).toHaveAttribute("aria-pressed", "true");
    const first = Number(await chart.getAttribute("data-first"));
    expect(first % 60_000).toBe(0);
    expect(first).toBeGreaterThanOrEqual(hourly);
    await expect(chart).toHaveAttribute("data-markers", "3");
    expect(pageErrors).toEqual([]);
  });

  test("the signal catalogue shows what following the signal would have made", async () => {
    const page = trader.page;
    await page.goto("/dashboard/signals");
    const card = page.locator(`[data-testid="catalogue-signal"][data-name="${SIGNAL}"]`).getByTestId("track-record");
    // buy 60000, close 60000, buy 60000: one closed trade at ±0, one still open.
    await expect(card).toHaveAttribute("data-trades", "1");
    await expect(card).toHaveAttribute("data-pnl", "0");
    await expect(card.getByTestId("track-record-trade")).toHaveCount(1);
    await fitsTheScreen(page);
    await card.screenshot({ path: "screenshots/track-record-en.png" });
    await admin.page.goto("/admin/signals");
    await expect(admin.page.locator(`[data-testid="signal"][data-name="${SIGNAL}"]`).getByTestId("track-record")).toHaveAttribute("data-trades", "1");
  });

  test("someone else's strategy is not charted; screenshots in English, Russian, Ukrainian and on a phone", async ({ baseURL }) => {
    const page = trader.page;
    const theirs = await admin.page.request.get(`/api/charts/candles?strategy=${strategyId}`);
    expect(theirs.status()).toBe(404);

    // Turning a desktop window with the chart open into a phone keeps the page (the chart redraws to fit).
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/dashboard/strategies?open=${strategyId}`);
    await inView(page.getByTestId("price-chart"));
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByTestId("price-chart").locator("canvas").first()).toBeVisible();
    await expect(page.getByText("Something went wrong")).toHaveCount(0);
    await expect.poll(() => page.getByTestId("price-chart").locator("canvas").first().evaluate((c) => c.getBoundingClientRect().width)).toBeLessThanOrEqual(390);
    await fitsTheScreen(page);
    expect(pageErrors).toEqual([]);

    for (const locale of ["en", "ru", "uk"] as const) {
      await trader.context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      for (const [device, width, height] of [["desktop", 1280, 900], ["phone", 390, 844]] as const) {
        if (locale !== "en" && device === "phone") continue;
        await page.setViewportSize({ width, height });
        await page.goto(`/dashboard/strategies?open=${strategyId}`);
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        const chart = page.getByTestId("price-chart");
        await inView(chart);
        await fitsTheScreen(page);
        await chart.screenshot({ path: `screenshots/price-chart-${device}-${locale}.png` });
      }
    }
    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(pageErrors).toEqual([]);
  });
});
