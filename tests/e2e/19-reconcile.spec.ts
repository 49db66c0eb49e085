import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person } from "./support";

const SIMULATOR = process.env.E2E_SIMULATOR_URL ?? "http://127.0.0.1:3101";
const CRON = `Bearer ${process.env.E2E_CRON_SECRET ?? "e2e-cron-secret-0123456789abcdef"}`;
const SIGNAL = `reconcile-${Date.now().toString(36)}`;
const API_KEY = `e2e-reconcile-${Date.now().toString(36)}`;
const API_SECRET = `e2e-reconcile-secret-${Math.random().toString(36).slice(2)}`;
const STRATEGY = "Reconcile BTC";
const SHOTS = process.env.SCREENSHOT_DIR ?? "test-results";

async function simulator(path: string, body: unknown) {
  const res = await fetch(`${SIMULATOR}${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}

async function fitsTheScreen(page: Page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${page.url()} is ${scroll}px wide on a ${inner}px screen`).toBeLessThanOrEqual(inner);
}

test.describe.serial("position reconciliation: a difference is shown, never traded", () => {
  let admin: Person;
  let trader: Person;

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Rita Reconcile");
    await simulator("/__sim/accounts", { apiKey: API_KEY, secret: API_SECRET, balances: { USDT: "10000" } });
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("coins sold outside the platform show on the overview, the strategy and the admin overview", async ({ request }) => {
    await admin.page.goto("/admin/signals");
    await admin.page.getByLabel("Name").fill(SIGNAL);
    await admin.page.getByTestId("create-signal").click();
    const secret = (await admin.page.getByTestId("signal-secret").textContent()) ?? "";

    const page = trader.page;
    await page.goto("/dashboard/accounts/new");
    await page.getByLabel("Label").fill("Binance reconcile");
    await page.getByLabel("API key").fill(API_KEY);
    await page.getByLabel("API secret").fill(API_SECRET);
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("account-added")).toBeVisible();
    await page.goto("/dashboard/strategies/new");
    await page.getByLabel("Name").fill(STRATEGY);
    await page.getByLabel("Signal").selectOption({ label: SIGNAL });
    await page.getByLabel("Symbol").fill("BTC/USDT");
    await page.getByLabel("Amount in quote").fill("120");
    await page.getByTestId("create-strategy").click();
    await expect(page.locator(`[data-testid="strategy"][data-name="${STRATEGY}"]`)).toBeVisible();

    const buy = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action: "buy", symbol: "BTCUSDT", price: "60000", id: "reconcile-buy-1" } });
    expect(buy.status()).toBe(202);
    await expect(async () => {
      await page.goto("/dashboard");
      await expect(page.locator(`[data-testid="position"][data-strategy="${STRATEGY}"]`)).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });

    // The trader sells most of the coins on the exchange itself.
    await simulator("/__sim/accounts", { apiKey: API_KEY, secret: API_SECRET, balances: { USDT: "10100", BTC: "0.0005" } });
    expect((await request.get("/api/cron/reconcile", { headers: { authorization: "Bearer wrong-secret-0123456789" } })).status()).toBe(401);
    expect((await request.get("/api/cron/reconcile", { headers: { authorization: CRON } })).status()).toBe(200);

    await page.goto("/dashboard");
    const banner = page.getByTestId("mismatch-banner");
    await expect(banner).toHaveCount(1);
    await expect(banner).toContainText("The exchange holds less BTC than your strategies booked");
    await expect(banner.getByTestId("mismatch-figures")).toContainText("held 0.0005 BTC");
    await page.screenshot({ path: `${SHOTS}/reconcile-overview.png`, fullPage: true });

    await page.goto("/dashboard/strategies");
    const card = page.locator(`[data-testid="strategy"][data-name="${STRATEGY}"]`);
    await expect(card.getByTestId("strategy-mismatch")).toBeVisible();
    await card.locator("summary").click();
    await expect(card.getByTestId("mismatch-banner")).toBeVisible();
    await page.setViewportSize({ width: 390, height: 844 });
    await fitsTheScreen(page);
    await page.screenshot({ path: `${SHOTS}/reconcile-strategy-phone.png`, fullPage: true });

    await admin.page.goto("/admin");
    const list = admin.page.getByTestId("admin-mismatches");
    await expect(list.getByTestId("admin-mismatch").filter({ hasText: "Rita Reconcile" })).toHaveCount(1);
    expect(Number(await list.getByTestId("mismatch-count").getAttribute("data-count"))).toBeGreaterThanOrEqual(1);
    await admin.page.screenshot({ path: `${SHOTS}/reconcile-admin.png`, fullPage: true });
  });
});
