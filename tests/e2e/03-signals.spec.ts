import { expect, test } from "@playwright/test";
import { firstAdmin, newTrader, type Person, chooseExchange } from "./support";

const SIGNAL = `trend-${Date.now().toString(36)}`;

test.describe.serial("signals to orders: catalogue, strategy, test signal, kill switch", () => {
  let admin: Person;
  let trader: Person;
  let secret = "";

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Sam Signals");
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("the admin creates a signal and sees its secret exactly once", async () => {
    const page = admin.page;
    await page.goto("/admin/signals");
    await page.getByLabel("Name").fill("Bad Name!");
    await page.getByTestId("create-signal").click();
    await expect(page.getByText("Use 2-63 lowercase letters")).toBeVisible();

    await page.getByLabel("Name").fill(SIGNAL);
    await page.getByLabel("Description").fill("Daily trend alerts from TradingView");
    await page.getByTestId("create-signal").click();
    await expect(page.getByTestId("secret-reveal")).toBeVisible();
    secret = (await page.getByTestId("signal-secret").textContent()) ?? "";
    expect(secret.length).toBeGreaterThan(30);
    await expect(page.locator(`[data-testid="signal"][data-name="${SIGNAL}"]`)).toContainText(`/api/webhooks/signals/${SIGNAL}`);
    await page.reload();
    expect(await page.content()).not.toContain(secret);
    await page.getByRole("link", { name: "API documentation" }).click();
    await expect(page.getByTestId("api-docs")).toContainText("/api/webhooks/signals/{name}");
  });

  test("a signal source is answered fast and bad input is explained", async ({ request }) => {
    const url = `/api/webhooks/signals/${SIGNAL}`;
    const wrong = await request.post(url, { data: { secret: "nope", action: "buy", symbol: "BTCUSDT" } });
    expect(wrong.status()).toBe(401);
    const bad = await request.post(url, { data: { secret, action: "hold", symbol: "BTCUSDT" } });
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.message).toContain("action");
    const plain = await request.post(url, {
      headers: { "content-type": "text/plain" },
      data: JSON.stringify({ secret, action: "buy", symbol: "BINANCE:ETHUSDT", id: "e2e-plain-1" }),
    });
    expect(plain.status()).toBe(202);
    const again = await request.post(url, {
      headers: { "content-type": "text/plain" },
      data: JSON.stringify({ secret, action: "buy", symbol: "BINANCE:ETHUSDT", id: "e2e-plain-1" }),
    });
    expect(await again.json()).toMatchObject({ duplicate: true });
    await admin.page.goto("/admin/signals");
    await expect(admin.page.getByTestId("delivery").first()).toBeVisible();
  });

  test("the delivery log folds repeats into one row, filters and pages through the address", async ({ request }) => {
    const url = `/api/webhooks/signals/${SIGNAL}`;
    // A sender retrying one signal: one accepted, four duplicates.
    for (let i = 0; i < 5; i++) {
      const sent = await request.post(url, { data: { secret, action: "buy", symbol: "SOLUSDT", id: "e2e-retry-loop" } });
      expect(sent.status()).toBe(202);
    }
    // 26 refusals, each of another unknown symbol: 26 rows, one more than a page.
    for (let i = 0; i < 26; i++) {
      expect((await request.post(url, { data: { secret, action: "buy", symbol: `NOPE${i}` } })).status()).toBe(400);
    }

    const page = admin.page;
    const rows = page.getByTestId("delivery");
    await page.goto("/admin/signals");
    const filters = page.getByTestId("delivery-filters");
    await filters.getByRole("combobox", { name: "Signal" }).selectOption(SIGNAL);
    await filters.getByRole("combobox", { name: "Outcome" }).selectOption("duplicate");
    await filters.getByRole("combobox", { name: "Time range" }).selectOption("24h");
    await filters.getByTestId("apply-delivery-filters").click();
    await expect(page).toHaveURL(/[?&]outcome=duplicate/);
    await expect(page).toHaveURL(/[?&]range=24h/);
    const retries = rows.filter({ hasText: "SOL/USDT" });
    await expect(retries).toHaveCount(1);
    await expect(retries).toHaveAttribute("data-count", "4");
    await expect(retries.getByTestId("delivery-count")).toHaveText("×4");
    for (const outcome of await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-outcome")))) expect(outcome).toBe("duplicate");

    await page.goto(`/admin/signals?signal=${SIGNAL}&outcome=rejected`);
    await expect(rows).toHaveCount(25);
    await expect(page.getByTestId("deliveries-newer")).toHaveAttribute("aria-disabled", "true");
    const newest = await rows.first().textContent();
    await page.getByTestId("deliveries-older").click();
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("NOPE0");
    await expect(page.getByTestId("deliveries-older")).toHaveAttribute("aria-disabled", "true");
    await page.getByTestId("deliveries-newer").click();
    await expect(rows).toHaveCount(25);
    await expect(rows.first()).toHaveText(newest ?? "");

    // On a phone the log is two columns (signal and action under the time): the outcome is on screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/admin/signals?signal=${SIGNAL}&outcome=duplicate#deliveries`);
    await expect(retries.getByTestId("delivery-count")).toBeInViewport();
    expect(await page.locator("#deliveries table").evaluate((t) => t.scrollWidth <= t.parentElement!.clientWidth)).toBe(true);
    await page.locator("#deliveries").screenshot({ path: "screenshots/phone-admin-deliveries-en.png" });
    await page.setViewportSize({ width: 1280, height: 720 });

    // A link with values the page does not know still shows the log, and says what it ignored.
    const bad = await page.goto("/admin/signals?outcome=exploded&range=5y&before=abc");
    expect(bad?.status()).toBe(200);
    await expect(page.getByTestId("delivery-filter-notice")).toContainText("outcome, range, before");
    await expect(rows.first()).toBeVisible();
    await page.goto("/admin/signals?signal=no-such-signal");
    await expect(page.locator("#deliveries").getByTestId("empty-state")).toContainText("No deliveries match these filters");
  });

  test("a trader builds a strategy on a paper account, sends a test signal and sees the fill and P&L", async () => {
    const page = trader.page;
    await page.goto("/dashboard/accounts/new");
    await chooseExchange(page, "paper");
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("account-added")).toBeVisible();

    await page.goto("/dashboard/strategies");
    await page.getByTestId("new-strategy").click();
    await page.getByLabel("Name").fill("Trend BTC");
    await page.getByLabel("Signal").selectOption({ label: SIGNAL });
    await page.getByLabel("Symbol").fill("BTC/USDT");
    await page.getByLabel("Amount in quote").fill("100");
    await page.getByLabel("Take profit, %").fill("5");
    await expect(page.getByTestId("tradingview-template")).toContainText("{{ticker}}");
    // How to send signed requests: the real URL filled in, the secret only as a placeholder.
    const howTo = page.getByTestId("how-to-send");
    await howTo.locator("summary").click();
    await expect(howTo.getByTestId("how-to-send-setup")).toHaveText("export SIGNAL_SECRET='YOUR_SECRET'");
    await expect(howTo.getByTestId("how-to-send-code")).toContainText(`/api/webhooks/signals/${SIGNAL}`);
    await expect(howTo.getByTestId("how-to-send-code")).toContainText("openssl dgst -sha256 -hmac");
    await howTo.getByRole("tab", { name: "Python" }).click();
    await expect(howTo.getByTestId("how-to-send-code")).toContainText("hmac.new(");
    await expect(howTo.getByTestId("copy-send-example")).toHaveText("Copy Python");
    expect(await page.content()).not.toContain(secret);
    await page.getByTestId("create-strategy").click();

    const strategy = page.locator('[data-testid="strategy"][data-name="Trend BTC"]');
    await expect(strategy).toHaveAttribute("open", "");
    await strategy.getByTestId("send-test-signal").click();
    await expect(strategy.getByTestId("test-signal-result")).toContainText("Test signal: Sent.");
    await expect(strategy.getByTestId("execution").first()).toHaveAttribute("data-outcome", "sent");
    await expect(strategy.getByTestId("execution").first()).toContainText("Filled");
    await expect(strategy.getByTestId("strategy-open-orders")).toHaveText("1"); // the take-profit
    // The card says the position is protected (paper has no native OCO: a take-profit limit).
    await page.reload();
    await expect(strategy.getByTestId("strategy-protection")).toHaveAttribute("data-state", "protected");
    await expect(strategy.getByTestId("strategy-protection")).toHaveText("Protected");

    await strategy.getByRole("combobox", { name: "Action" }).selectOption("close");
    await strategy.getByTestId("send-test-signal").click();
    await expect(strategy.getByTestId("test-signal-result")).toContainText("Test signal: Sent.");
    await expect(strategy.getByTestId("strategy-realised")).not.toHaveText("0.00");
    await page.goto("/dashboard/orders");
    await expect(page.getByTestId("history-row")).toHaveCount(3);

    // With an account and a strategy the getting-started checklist gives way to the numbers.
    await page.goto("/dashboard");
    await expect(page.getByTestId("getting-started")).toHaveCount(0);
    await expect(page.getByTestId("overview-tiles")).toContainText("1 of 1 on");
    await page.screenshot({ path: "screenshots/overview-en.png", fullPage: true });
  });

  test("the big switch pauses entries or stops everything for the very next signal", async () => {
    const page = trader.page;
    await page.goto("/dashboard/strategies");
    await page.getByTestId("trading-switch").click();
    await expect(page.getByRole("dialog")).toContainText("Sell and close signals, take-profits and stop-losses keep working");
    await page.screenshot({ path: "screenshots/kill-switch-choice-en.png" });
    await page.getByTestId("switch-pause").click();
    await expect(page.getByTestId("trading-switch")).toHaveAttribute("data-mode", "pause");
    const strategy = page.locator('[data-testid="strategy"][data-name="Trend BTC"]');
    await strategy.locator("summary").click();
    await strategy.getByTestId("send-test-signal").click();
    await expect(strategy.getByTestId("test-signal-result")).toContainText("entries are paused");
    await page.getByTestId("trading-switch").click();
    await page.getByTestId("trading-switch-confirm").click();
    await expect(page.getByTestId("trading-switch")).toHaveAttribute("data-enabled", "true");

    await page.getByTestId("trading-switch").click();
    await page.getByTestId("switch-stop").click();
    await expect(page.getByTestId("trading-switch")).toHaveAttribute("data-mode", "stop");
    await strategy.getByTestId("send-test-signal").click();
    await expect(strategy.getByTestId("test-signal-result")).toContainText("all trading is stopped");
    await page.getByTestId("trading-switch").click();
    await page.getByTestId("trading-switch-confirm").click();
    await expect(page.getByTestId("trading-switch")).toHaveAttribute("data-enabled", "true");

    // A strategy's own switch offers the same choice; turning it back on is one click.
    await strategy.getByTestId("strategy-toggle").click();
    await page.getByTestId("switch-pause").click();
    await expect(strategy.getByTestId("strategy-off-mode")).toHaveText("Entries paused");
    await strategy.getByTestId("strategy-toggle").click();
    await expect(strategy.getByTestId("strategy-toggle")).toHaveAttribute("aria-checked", "true");
  });

  test("screenshots in both languages", async ({ baseURL }) => {
    const page = trader.page;
    await page.goto("/dashboard/strategies");
    await page.locator('[data-testid="strategy"] summary').first().click();
    await expect(page.getByTestId("executions").first()).toBeVisible();
    await page.screenshot({ path: "screenshots/strategies-en.png", fullPage: true });
    await page.goto("/dashboard/strategies/new");
    await page.getByTestId("how-to-send").locator("summary").click();
    await page.screenshot({ path: "screenshots/strategy-new-en.png", fullPage: true });
    // On a phone the examples scroll inside their box; the page itself does not move sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByTestId("how-to-send").locator("summary").click();
    await expect(page.getByTestId("how-to-send-code")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: "screenshots/phone-how-to-send-en.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 720 });
    await admin.page.goto("/admin/signals");
    await admin.page.screenshot({ path: "screenshots/admin-signals-en.png", fullPage: true });

    for (const person of [trader, admin]) await person.context.addCookies([{ name: "NEXT_LOCALE", value: "ru", url: baseURL! }]);
    await page.goto("/dashboard/strategies");
    await expect(page.getByText("Символы")).toBeVisible();
    await page.locator('[data-testid="strategy"] summary').first().click();
    await page.screenshot({ path: "screenshots/strategies-ru.png", fullPage: true });
    await admin.page.goto("/admin/signals");
    await expect(admin.page.getByText("Последние доставки")).toBeVisible();
    await admin.page.screenshot({ path: "screenshots/admin-signals-ru.png", fullPage: true });
    for (const person of [trader, admin]) await person.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
  });
});
