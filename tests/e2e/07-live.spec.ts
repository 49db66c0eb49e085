import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person, chooseExchange } from "./support";

const SIGNAL = `live-${Date.now().toString(36)}`;

/** Marks the document: the mark survives a router refresh, not a reload. */
const markDocument = (page: Page) => page.evaluate(() => Object.assign(window, { __sbSameDocument: true }));
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { __sbSameDocument?: boolean }).__sbSameDocument === true);

/** Makes the tab look hidden (or visible again) to the page, as switching tabs would. */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((value) => {
    Object.defineProperty(document, "hidden", { value, configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);

test.describe.serial("live pages: orders and skipped signals appear without a reload", () => {
  let admin: Person;
  let trader: Person;
  let secret = "";

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Lena Live");
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("the change check needs a session", async ({ request }) => {
    const anonymous = await request.get("/api/me/changes");
    expect(anonymous.status()).toBe(401);
    expect((await anonymous.json()).error.code).toBe("unauthorized");
    const mine = await trader.page.request.get("/api/me/changes");
    expect(mine.status()).toBe(200);
    expect((await mine.json()).version).toMatch(/^[\w-]{16}$/);
  });

  test("an open Orders page shows a signal's order, then a skipped signal with what to change", async ({ request }) => {
    await admin.page.goto("/admin/signals");
    await admin.page.getByLabel("Name").fill(SIGNAL);
    await admin.page.getByTestId("create-signal").click();
    secret = (await admin.page.getByTestId("signal-secret").textContent()) ?? "";
    expect(secret.length).toBeGreaterThan(30);

    const page = trader.page;
    await page.goto("/dashboard/accounts/new");
    await chooseExchange(page, "paper");
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("account-added")).toBeVisible();
    await page.goto("/dashboard/strategies/new");
    await page.getByLabel("Name").fill("Live BTC");
    await page.getByLabel("Signal").selectOption({ label: SIGNAL });
    await page.getByLabel("Symbol").fill("BTC/USDT");
    await page.getByLabel("Amount in quote").fill("100");
    await page.getByTestId("create-strategy").click();
    await expect(page.locator('[data-testid="strategy"][data-name="Live BTC"]')).toBeVisible();

    await page.goto("/dashboard/orders");
    await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");
    await expect(page.getByTestId("live-indicator")).toHaveText("Live");
    await expect(page.getByTestId("history-row")).toHaveCount(0);
    await markDocument(page);

    const url = `/api/webhooks/signals/${SIGNAL}`;
    const buy = await request.post(url, { data: { secret, action: "buy", symbol: "BTCUSDT", price: "50000", id: "live-buy-1" } });
    expect(buy.status()).toBe(202);
    await expect(page.getByTestId("history-row")).toHaveCount(1, { timeout: 20_000 });
    await expect(page.getByTestId("history-row").first()).toContainText("BTC/USDT");
    expect(await sameDocument(page)).toBe(true);

    // Nothing is open, so a cancel is skipped: listed with the orders, with its reason and what to change.
    const cancel = await request.post(url, { data: { secret, action: "cancel", symbol: "BTCUSDT", id: "live-cancel-1" } });
    expect(cancel.status()).toBe(202);
    const skip = page.getByTestId("skip-row");
    await expect(skip).toHaveCount(1, { timeout: 20_000 });
    await expect(skip).toHaveAttribute("data-outcome", "skipped");
    await expect(skip.getByTestId("skip-reason")).toHaveText("no open orders to cancel");
    await expect(skip.getByTestId("skip-help")).toContainText("the strategy had no open orders");
    await expect(skip).toContainText("Live BTC");
    expect(await sameDocument(page)).toBe(true);
    await expect(page.getByText("2 entries")).toBeVisible();
    await page.screenshot({ path: "screenshots/orders-live-en.png", fullPage: true });

    // The filter: skips only, orders only.
    await page.getByTestId("history-view").selectOption("skips");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/view=skips/);
    await expect(page.getByTestId("skip-row")).toHaveCount(1);
    await expect(page.getByTestId("history-row")).toHaveCount(0);
    await page.getByTestId("history-view").selectOption("orders");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/view=orders/);
    await expect(page.getByTestId("history-row")).toHaveCount(1);
    await expect(page.getByTestId("skip-row")).toHaveCount(0);

    // The CSV carries the filter: the one order, none of the skip.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("orders-csv").click()]);
    expect(download.suggestedFilename()).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(csv[0]).toBe("time,kind,account,strategy,symbol,side,type,status,amount,filled,price,average,cost,fee,fee_currency,client_order_id,exchange_order_id,note");
    expect(csv).toHaveLength(2);
    expect(csv[1]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z,order,[^,]*,Live BTC,BTC\/USDT,buy,market,/);

    // A filter that hides everything is named; a bad one in the address is ignored with a notice.
    await page.goto("/dashboard/orders?side=sell&period=forever");
    await expect(page.getByTestId("filter-notice")).toContainText("period");
    await expect(page.getByTestId("empty-state")).toContainText("Side: Sell");
  });

  test("a hidden tab pauses, and catches up when shown again", async ({ request }) => {
    const page = trader.page;
    await page.goto("/dashboard/orders");
    await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");
    await markDocument(page);
    await setHidden(page, true);
    await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "paused");
    await expect(page.getByTestId("live-indicator")).toHaveText("Paused");

    const sell = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action: "sell", symbol: "BTCUSDT", price: "50500", id: "live-sell-1" } });
    expect(sell.status()).toBe(202);
    // Paused: the page does not ask (the drain may take a moment; the rows stay as they were meanwhile).
    await page.waitForTimeout(6_000);
    await expect(page.getByTestId("history-row")).toHaveCount(1);

    await setHidden(page, false);
    await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");
    await expect(page.getByTestId("history-row")).toHaveCount(2, { timeout: 20_000 });
    expect(await sameDocument(page)).toBe(true);
  });

  test("the strategies page and the overview are live too; screenshots in both languages", async ({ baseURL, request }) => {
    const page = trader.page;
    await page.goto("/dashboard/strategies");
    await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");
    const strategy = page.locator('[data-testid="strategy"][data-name="Live BTC"]');
    await strategy.locator("summary").click();
    await expect(strategy.getByTestId("execution")).toHaveCount(3);
    await markDocument(page);
    const again = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action: "cancel", symbol: "BTCUSDT", id: "live-cancel-2" } });
    expect(again.status()).toBe(202);
    await expect(strategy.getByTestId("execution")).toHaveCount(4, { timeout: 20_000 });
    await expect(strategy.getByTestId("skip-help").first()).toBeVisible();
    expect(await sameDocument(page)).toBe(true);
    await page.screenshot({ path: "screenshots/strategies-live-en.png", fullPage: true });

    await page.goto("/dashboard");
    await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");

    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "ru", url: baseURL! }]);
    await page.goto("/dashboard/orders");
    await expect(page.getByTestId("live-indicator")).toHaveText("Онлайн");
    await expect(page.getByTestId("skip-help").first()).toContainText("у стратегии не было открытых ордеров");
    await page.screenshot({ path: "screenshots/orders-live-ru.png", fullPage: true });
    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
  });
});
