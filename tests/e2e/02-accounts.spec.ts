import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person, chooseExchange, checkTile } from "./support";

const SIMULATOR = process.env.E2E_SIMULATOR_URL ?? "http://127.0.0.1:3101";
const API_KEY = `e2e-key-${Date.now().toString(36)}-WXYZ`;
const API_SECRET = `e2e-secret-${Math.random().toString(36).slice(2)}-planted`;

async function simulator(path: string, body: unknown) {
  const res = await fetch(`${SIMULATOR}${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}

async function placeOrder(page: Page, o: { symbol?: string; side?: "buy" | "sell"; type?: "market" | "limit"; amount: string; price?: string }) {
  const form = page.getByTestId("order-form");
  await form.getByTestId("order-symbol").fill(o.symbol ?? "BTC/USDT");
  await checkTile(form.getByTestId(`side-${o.side ?? "buy"}`));
  await checkTile(form.getByTestId(`type-${o.type ?? "market"}`));
  if (o.price) await form.getByLabel(/limit price/i).fill(o.price);
  await form.getByTestId("order-amount").fill(o.amount);
  await form.getByTestId("order-submit").click();
  await expect(form.getByTestId("order-feedback")).toBeVisible();
}

test.describe.serial("exchange accounts: keys, balances, orders", () => {
  let admin: Person;
  let trader: Person;
  let liveAccountUrl = "";

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Tina Trader");
    // A Binance account on the simulator, whose key (wrongly) allows withdrawals.
    await simulator("/__sim/accounts", { apiKey: API_KEY, secret: API_SECRET, balances: { USDT: "10000", ETH: "1.5" }, canWithdraw: true });
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("an empty accounts page explains itself and leads to the form", async () => {
    const page = trader.page;
    await page.goto("/dashboard/accounts");
    await expect(page.getByRole("heading", { name: "No exchange accounts connected" })).toBeVisible();
    await page.getByTestId("add-account").click();
    await expect(page).toHaveURL(/\/dashboard\/accounts\/new$/);
    await expect(page.getByTestId("ip-allowlist")).toContainText("203.0.113.10");
  });

  test("keys the exchange refuses are explained and nothing is stored", async () => {
    const page = trader.page;
    await page.getByLabel("Label").fill("Wrong keys");
    await page.getByLabel("API key").fill("not-a-real-key-1234");
    await page.getByLabel("API secret").fill("not-a-real-secret-5678");
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("form-message")).toContainText("The exchange refused these API keys");
    await expect(page.getByLabel("API secret")).toHaveValue("");
    await page.goto("/dashboard/accounts");
    await expect(page.getByTestId("account-card")).toHaveCount(0);
  });

  test("a key that can withdraw is refused with how to make a trade-only one; the trade-only key connects and shows balances", async () => {
    const page = trader.page;
    await page.goto("/dashboard/accounts/new");
    await page.getByLabel("Label").fill("Binance main");
    await page.getByLabel("API key").fill(API_KEY);
    await page.getByLabel("API secret").fill(API_SECRET);
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("form-message")).toContainText("allowed to withdraw funds, so it was not saved");
    await expect(page.getByTestId("form-message")).toContainText("203.0.113.10");
    await page.goto("/dashboard/accounts");
    await expect(page.getByTestId("account-card")).toHaveCount(0);

    // On the exchange, the trader turns withdrawals off for the key.
    await simulator("/__sim/accounts", { apiKey: API_KEY, secret: API_SECRET, balances: { USDT: "10000", ETH: "1.5" }, canWithdraw: false });
    await page.goto("/dashboard/accounts/new");
    await page.getByLabel("Label").fill("Binance main");
    await page.getByLabel("API key").fill(API_KEY);
    await page.getByLabel("API secret").fill(API_SECRET);
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("account-added")).toBeVisible();
    liveAccountUrl = page.url().split("?")[0]!;
    await expect(page.getByTestId("withdrawals-warning")).toHaveCount(0);
    await expect(page.locator('[data-testid="balance-row"][data-asset="USDT"] [data-testid="balance-free"]')).toHaveText("10000");
    // 10000 USDT + 1.5 ETH at 3000.
    await expect(page.getByTestId("total-value")).toHaveText("14500.00 USDT");
    const html = await page.content();
    expect(html).not.toContain(API_SECRET);
    expect(html).not.toContain(API_KEY);
    expect(html).toContain("••••WXYZ");
  });

  test("the account card shows the balance at a glance; Test connection checks the key against the exchange", async () => {
    const page = trader.page;
    await page.goto("/dashboard/accounts");
    const card = page.getByTestId("account-card").first();
    await expect(card.getByTestId("card-balance-total")).toHaveText("10,000 USDT");
    await expect(card.getByTestId("card-balance-others")).toHaveText("+ 1 other asset");
    await expect(card.getByTestId("card-balance-age")).toContainText("as of");

    await page.goto(liveAccountUrl);
    const panel = page.getByTestId("connection-test");
    // A slow exchange: the button says it is working and cannot be pressed again meanwhile.
    await simulator("/__sim/latency", { ms: 400 });
    try {
      await panel.getByTestId("test-connection").click();
      await expect(panel.getByTestId("test-connection")).toBeDisabled();
      await expect(panel.getByTestId("test-connection")).toHaveText("Testing…");
    } finally {
      await simulator("/__sim/latency", { ms: 0 });
    }
    const checks = panel.getByTestId("connection-check");
    await expect(checks).toHaveCount(5);
    await expect(panel.locator('[data-check="balance"]')).toHaveAttribute("data-status", "ok");
    await expect(panel.locator('[data-check="balance"]')).toContainText("Read 10000 USDT and 1 other asset");
    await expect(panel.locator('[data-check="trading"]')).toHaveAttribute("data-status", "ok");
    await expect(panel.locator('[data-check="withdrawals"]')).toHaveAttribute("data-status", "ok");
    await expect(panel.locator('[data-check="market"]')).toHaveAttribute("data-status", "ok");
    // The simulated key is not IP-restricted: the trader is told which addresses to allow.
    await expect(panel.locator('[data-check="ip"]')).toHaveAttribute("data-status", "warn");
    await expect(panel.locator('[data-check="ip"]')).toContainText("203.0.113.10, 203.0.113.11");
    await expect(panel.getByTestId("connection-summary")).toHaveText("No check failed; 1 warning below.");
    await expect(panel.getByTestId("test-connection")).toBeEnabled();
  });

  test("a market order fills and appears in the history; tiny orders are refused before sending", async () => {
    const page = trader.page;
    const form = page.getByTestId("order-form");
    await form.getByTestId("order-symbol").fill("BTC/USDT");
    await form.getByTestId("order-amount").fill("0.00001");
    await expect(form.getByTestId("order-live-error")).toContainText("below the market's minimum of 5");
    await expect(form.getByTestId("order-submit")).toBeDisabled();

    await placeOrder(page, { amount: "0.01" });
    await expect(page.getByTestId("order-feedback")).toContainText("Buy 0.01 BTC/USDT: filled.");
    const row = page.getByTestId("history-row").first();
    await expect(row).toContainText("BTC/USDT");
    await expect(row.getByTestId("order-status")).toHaveText("Filled");
    await expect(page.locator('[data-testid="balance-row"][data-asset="BTC"]')).toBeVisible();
  });

  test("limit orders rest on the book; one is cancelled, then the rest with cancel-all", async () => {
    const page = trader.page;
    await placeOrder(page, { type: "limit", amount: "0.01", price: "50000" });
    await expect(page.getByTestId("order-feedback")).toContainText("placed, waiting on the book");
    await placeOrder(page, { type: "limit", amount: "0.02", price: "49000" });
    await placeOrder(page, { type: "limit", amount: "0.03", price: "48000" });
    await expect(page.getByTestId("open-order")).toHaveCount(3);
    await expect(page.locator('[data-testid="balance-row"][data-asset="USDT"] [data-testid="balance-used"]')).toHaveText("2920");

    await page.getByTestId("open-order").first().getByTestId("cancel-order").click();
    await expect(page.getByRole("dialog")).toContainText("Cancel this order?");
    await page.getByTestId("cancel-order-confirm").click();
    await expect(page.getByTestId("open-order")).toHaveCount(2);

    await page.getByTestId("cancel-all").click();
    await expect(page.getByRole("dialog")).toContainText("2 open orders will be cancelled");
    await page.getByTestId("cancel-all-confirm").click();
    await expect(page.getByTestId("no-open-orders")).toBeVisible();

    await page.goto(`${liveAccountUrl}?status=canceled`);
    await expect(page.getByTestId("history-row")).toHaveCount(3);
  });

  test("a paper account starts with 1,000 USDT and trades at the public price", async () => {
    const page = trader.page;
    await page.goto("/dashboard/accounts/new");
    await chooseExchange(page, "paper");
    await expect(page.getByLabel("Starting balance")).toHaveValue("1000");
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("account-added")).toContainText("Paper account created");
    await expect(page.locator('[data-testid="balance-row"][data-asset="USDT"] [data-testid="balance-free"]')).toHaveText("1000");

    await placeOrder(page, { amount: "0.005" });
    await expect(page.getByTestId("order-feedback")).toContainText("filled");
    // 0.005 BTC at 60000 plus 5 bp slippage = 300.15 USDT; the 0.1 % fee is taken in BTC.
    await expect(page.locator('[data-testid="balance-row"][data-asset="USDT"] [data-testid="balance-free"]')).toHaveText("699.85");
    await expect(page.locator('[data-testid="balance-row"][data-asset="BTC"] [data-testid="balance-free"]')).toHaveText("0.004995");

    await placeOrder(page, { amount: "5000", type: "market" });
    await expect(page.getByTestId("order-feedback")).toContainText("Not enough free balance");

    await page.getByTestId("test-connection").click();
    await expect(page.locator('[data-testid="connection-check"][data-check="balance"]')).toContainText("Read 699.85 USDT and 1 other asset");
    await expect(page.locator('[data-testid="connection-check"][data-check="withdrawals"]')).toContainText("Paper accounts hold no real money");

    await page.goto("/dashboard/accounts");
    await expect(page.getByTestId("account-card")).toHaveCount(2);
    await expect(page.locator('[data-testid="account-card"]').nth(1).getByTestId("card-balance-total")).toHaveText("699.85 USDT");
    await page.goto("/dashboard/orders");
    await expect(page.getByTestId("history-row")).toHaveCount(6);
  });

  test("screenshots in both languages and on a phone", async ({ browser, baseURL }) => {
    const page = trader.page;
    await page.goto(liveAccountUrl);
    await expect(page.getByTestId("balances")).toBeVisible();
    await page.getByTestId("test-connection").click();
    await expect(page.getByTestId("connection-check")).toHaveCount(5);
    await page.screenshot({ path: "screenshots/account-en.png", fullPage: true });
    await page.goto("/dashboard/accounts/new");
    await page.screenshot({ path: "screenshots/add-account-en.png", fullPage: true });
    await page.goto("/dashboard/accounts");
    await expect(page.getByTestId("account-card").first()).toBeVisible();
    await page.screenshot({ path: "screenshots/accounts-en.png", fullPage: true });

    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "ru", url: baseURL! }]);
    await page.goto(liveAccountUrl);
    await expect(page.getByText("Балансы")).toBeVisible();
    await expect(page.getByTestId("order-form")).toContainText("Купить BTC");
    await page.screenshot({ path: "screenshots/account-ru.png", fullPage: true });
    await page.goto("/dashboard/accounts/new");
    await expect(page.getByText("Ограничьте ключ нашими IP-адресами")).toBeVisible();
    await page.screenshot({ path: "screenshots/add-account-ru.png", fullPage: true });
    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await trader.context.storageState() });
    const phonePage = await phone.newPage();
    await phonePage.goto(liveAccountUrl);
    await expect(phonePage.getByTestId("balances")).toBeVisible();
    await phonePage.getByTestId("test-connection").click();
    await expect(phonePage.getByTestId("connection-check")).toHaveCount(5);
    expect(await phonePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phonePage.screenshot({ path: "screenshots/account-phone-en.png", fullPage: true });
    await phonePage.goto("/dashboard/accounts");
    await expect(phonePage.getByTestId("card-balance-total").first()).toBeVisible();
    expect(await phonePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phonePage.screenshot({ path: "screenshots/accounts-phone-en.png", fullPage: true });
    await phone.close();
  });
});
