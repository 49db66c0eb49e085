import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person } from "./support";

const SIMULATOR = process.env.E2E_SIMULATOR_URL ?? "http://127.0.0.1:3101";
const SIGNAL = `perps-${Date.now().toString(36)}`;
const API_KEY = `e2e-perps-${Date.now().toString(36)}`;
const API_SECRET = `e2e-perps-secret-${Math.random().toString(36).slice(2)}`;
const STRATEGY = "BTC perpetual";

async function fitsTheScreen(page: Page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${page.url()} is ${scroll}px wide on a ${inner}px screen`).toBeLessThanOrEqual(inner);
}

test.describe.serial("USDT perpetuals: a short with leverage, end to end on the simulator", () => {
  let admin: Person;
  let trader: Person;

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Petra Perp");
    const res = await fetch(`${SIMULATOR}/__sim/accounts`, { method: "POST", body: JSON.stringify({ apiKey: API_KEY, secret: API_SECRET }) });
    expect(res.ok).toBe(true);
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("a perpetual account, a strategy with leverage 3 and shorts, a sell signal: the short shows", async ({ request }) => {
    await admin.page.goto("/admin/signals");
    await admin.page.getByLabel("Name").fill(SIGNAL);
    await admin.page.getByTestId("create-signal").click();
    const secret = (await admin.page.getByTestId("signal-secret").textContent()) ?? "";

    const page = trader.page;
    await page.goto("/dashboard/accounts/new");
    await page.getByLabel("Label").fill("Binance USDT-M");
    await page.getByLabel("API key").fill(API_KEY);
    await page.getByLabel("API secret").fill(API_SECRET);
    // The market type checkboxes carry hints in their labels: picked by name.
    await page.locator('input[name="spot"]').uncheck();
    await page.locator('input[name="futures"]').check();
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("account-added")).toBeVisible();

    await page.goto("/dashboard/strategies/new");
    await page.getByLabel("Name").fill(STRATEGY);
    await page.locator("#strategy-signal").selectOption({ label: SIGNAL });
    await page.locator("#strategy-account").selectOption({ label: "Binance USDT-M" });
    await expect(page.getByTestId("perpetual-fields")).toBeVisible();
    await page.getByLabel("Symbol").fill("BTC/USDT:USDT");
    await page.getByLabel("Amount in quote").fill("3000");
    await page.getByLabel("Leverage").fill("3");
    await page.getByLabel("Allow shorts").check();
    await page.screenshot({ path: "test-results/perpetuals-form.png", fullPage: true });
    await page.getByTestId("create-strategy").click();
    const card = page.locator(`[data-testid="strategy"][data-name="${STRATEGY}"]`);
    await expect(card).toBeVisible();

    const sell = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action: "sell", position: "short", symbol: "BTCUSDT.P", price: "60000", id: "perps-sell-1" } });
    expect(sell.status()).toBe(202);
    await expect(async () => {
      await page.goto("/dashboard/strategies");
      const opened = page.locator(`[data-testid="strategy"][data-name="${STRATEGY}"]`);
      await opened.locator("summary").click();
      await expect(opened.getByTestId("perpetual-summary")).toHaveAttribute("data-side", "short", { timeout: 1_000 });
    }).toPass({ timeout: 25_000 });
    await expect(card.getByTestId("perp-side")).toHaveText("Short");
    await expect(card.getByTestId("perp-leverage")).toHaveText("3× isolated");
    await expect(card.getByTestId("perp-size")).toHaveText("0.05 contracts · 0.05 BTC");
    await page.screenshot({ path: "test-results/perpetuals-short.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await fitsTheScreen(page);
    await page.screenshot({ path: "test-results/perpetuals-short-phone.png", fullPage: true });
  });
});
