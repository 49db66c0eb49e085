import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person, chooseExchange } from "./support";

const SIGNAL = `stats-${Date.now().toString(36)}`;
const STRATEGY = "Stats BTC";

async function fitsTheScreen(page: Page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${page.url()} is ${scroll}px wide on a ${inner}px screen`).toBeLessThanOrEqual(inner);
}

/** "+1,234.56" or "−12.00" as shown → a number to compare (display only). */
const shown = (text: string | null) => Number((text ?? "").replace(/[^\d.+−-]/g, "").replace("−", "-"));

test.describe.serial("statistics: from the portfolio down to a strategy's trades", () => {
  let admin: Person;
  let trader: Person;
  let secret = "";

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Stella Stats");
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("before any fill the page says what will appear; a bad filter is ignored with a note", async () => {
    await admin.page.goto("/admin/signals");
    await admin.page.getByLabel("Name").fill(SIGNAL);
    await admin.page.getByTestId("create-signal").click();
    secret = (await admin.page.getByTestId("signal-secret").textContent()) ?? "";
    expect(secret.length).toBeGreaterThan(30);

    const page = trader.page;
    const response = await page.goto("/dashboard/statistics?period=century&account=nope");
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId("empty-state")).toContainText("equity curve");
    await expect(page.getByTestId("filter-notice")).toContainText("period, account");

    await page.goto("/dashboard/accounts/new");
    await chooseExchange(page, "paper");
    await page.getByTestId("add-account-submit").click();
    await page.waitForURL(/\/dashboard\/accounts\/[0-9a-f-]{36}/);
    await page.goto("/dashboard/strategies/new");
    await page.getByLabel("Name").fill(STRATEGY);
    await page.getByLabel("Signal").selectOption({ label: SIGNAL });
    await page.getByLabel("Symbol").fill("BTC/USDT");
    await page.getByLabel("Amount in quote").fill("100");
    await page.getByTestId("create-strategy").click();
    await expect(page.locator(`[data-testid="strategy"][data-name="${STRATEGY}"]`)).toBeVisible();
  });

  test("two closed trades show as the right totals, and drill down to the strategy's orders", async ({ request }) => {
    const page = trader.page;
    const send = async (action: string, price: string, id: string) => {
      const r = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action, symbol: "BTCUSDT", price, id } });
      expect(r.status()).toBe(202);
    };
    const strategyRow = page.locator(`[data-testid="strategy-row"][data-name="${STRATEGY}"]`);
    const trades = async (n: number) =>
      expect(async () => {
        await page.goto("/dashboard/statistics?period=7d");
        await expect(strategyRow.getByTestId("row-trades")).toContainText(String(n), { timeout: 1_000 });
      }).toPass({ timeout: 20_000 });
    await send("buy", "60000", "stats-buy-1");
    await expect(async () => {
      await page.goto("/dashboard/statistics?period=7d");
      await expect(strategyRow).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await send("close", "63000", "stats-close-1");
    await trades(1);
    await send("buy", "60000", "stats-buy-2");
    await send("close", "57000", "stats-close-2");
    await trades(2);

    // Two closed trades (the paper market fills at its own price, so each may win or lose); every total
    // is the same day's, and the overview's "today" is the same figure.
    await expect(strategyRow.getByTestId("row-trades")).toHaveAttribute("data-trades", "2");
    const wins = Number(await strategyRow.getByTestId("row-trades").getAttribute("data-wins"));
    await expect(strategyRow.getByTestId("row-win-rate")).toHaveText(`${(wins * 50).toFixed(1)}%`);
    const today = shown(await page.getByTestId("pnl-today").textContent());
    expect(today).not.toBe(0);
    for (const tile of ["pnl-d7", "pnl-d30", "pnl-all"]) expect(shown(await page.getByTestId(tile).textContent())).toBe(today);
    expect(shown(await strategyRow.getByTestId("row-realized").textContent())).toBe(today);
    await expect(page.getByTestId("daily-chart").getByTestId("chart-summary")).toContainText("1 day with closed trades");
    await page.goto("/dashboard");
    expect(shown(await page.getByTestId("realized-today").textContent())).toBe(today);

    // Account → its strategies → the strategy's orders.
    await page.goto("/dashboard/statistics?period=30d");
    await page.getByTestId("account-row").first().click();
    await expect(page).toHaveURL(/[?&]account=[0-9a-f-]{36}/);
    await expect(page.getByTestId("breakdown-account")).toHaveCount(0);
    await strategyRow.getByRole("link").click();
    await expect(page).toHaveURL(/\/dashboard\/orders\?.*strategy=[0-9a-f-]{36}.*period=30d/);
    await expect(page.getByTestId("history-row")).toHaveCount(4);
  });

  test("screenshots in English, Ukrainian and Russian, on a desktop and a phone", async ({ baseURL }) => {
    const page = trader.page;
    for (const locale of ["en", "uk", "ru"] as const) {
      await trader.context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      for (const [device, width, height] of [["desktop", 1280, 900], ["phone", 390, 844]] as const) {
        await page.setViewportSize({ width, height });
        await page.goto("/dashboard/statistics?period=7d");
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        await expect(page.getByTestId("breakdown-strategy")).toBeVisible();
        // The charts load after the page (recharts is not in the first load): the picture waits for them.
        await expect(page.getByTestId("chart-placeholder")).toHaveCount(0);
        await expect(page.getByTestId("daily-chart").locator("svg.recharts-surface")).toBeVisible();
        await fitsTheScreen(page);
        await page.screenshot({ path: `screenshots/statistics-${device}-${locale}.png`, fullPage: true });
      }
    }
    await expect(page.getByTestId("breakdown-strategy")).toContainText("По стратегиям");
    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
