import { expect, test } from "@playwright/test";
import { startFakeOpenAi, type FakeOpenAi } from "../helpers/fake-openai";
import { firstAdmin, newTrader, Person, chooseExchange } from "./support";

const SIMULATOR = process.env.E2E_SIMULATOR_URL ?? "http://127.0.0.1:3101";

// An admin adds an AI source that asks a local fake model, runs it, and reads the model's reasoning.
test.describe.serial("AI signal source: add, run now, read the reasoning", () => {
  let admin: Person;
  let fake: FakeOpenAi;
  const signal = `ai-e2e-${Date.now().toString(36)}`;

  test.beforeAll(async ({ browser }) => {
    fake = await startFakeOpenAi();
    admin = await firstAdmin(browser);
  });

  test.afterAll(async () => {
    await admin?.close();
    await fake?.close();
  });

  test("the answer's reasoning is shown and the key is never shown again", async () => {
    const page = admin.page;
    await page.goto("/admin/signals");
    await page.getByLabel("Name").fill(signal);
    await page.getByTestId("create-signal").click();
    await expect(page.getByTestId("secret-reveal")).toBeVisible();

    await page.goto("/admin/ai");
    const form = page.getByTestId("ai-source-form");
    await form.getByLabel("Name").fill(`Fake model ${signal}`);
    await form.getByLabel("Catalogue signal it feeds").selectOption({ label: signal });
    await form.getByLabel("API base URL").fill(fake.baseUrl);
    await form.getByLabel("Model").fill("fake-chat");
    await form.getByLabel("API key").fill("sk-e2e-secret-9876");
    await form.getByLabel("Candles from").selectOption("binance");
    await form.getByLabel("Candle interval").selectOption("1m");
    await page.getByTestId("ai-source-save").click();
    await expect(page.getByTestId("ai-form-message")).toContainText("saved");

    const card = page.getByTestId("ai-source").filter({ hasText: `Fake model ${signal}` });
    await expect(card).toBeVisible();
    fake.script({ kind: "answer", action: "BUY", confidence: 0.91, reasoning: "RSI turned up from 30 and MACD crossed its signal line." });
    await card.getByTestId("ai-run-now").click();
    await expect(card.getByTestId("ai-control-message")).toContainText("1 new signal");
    await page.reload();
    await expect(page.getByTestId("ai-source").filter({ hasText: `Fake model ${signal}` }).getByTestId("ai-reasoning").first()).toHaveText(
      "RSI turned up from 30 and MACD crossed its signal line.",
    );
    expect(fake.requests.at(-1)?.authorization).toBe("Bearer sk-e2e-secret-9876");
    await expect(page.locator("body")).not.toContainText("sk-e2e-secret-9876");
    await page.screenshot({ path: "test-results/24-ai-source.png", fullPage: true });
  });

  test("a trader's first strategy on the AI signal is suggested on their paper account, and says why", async ({ browser }) => {
    const trader = await newTrader(browser, admin, "Pia Paper");
    try {
      const page = trader.page;
      // A real (simulated Binance) account first, so the form's own default is not the paper one.
      const apiKey = `e2e-ai-key-${Date.now().toString(36)}`;
      const secret = `e2e-ai-secret-${Math.random().toString(36).slice(2)}`;
      const res = await fetch(`${SIMULATOR}/__sim/accounts`, { method: "POST", body: JSON.stringify({ apiKey, secret, balances: { USDT: "1000" }, canWithdraw: false }) });
      expect(res.ok).toBe(true);
      await page.goto("/dashboard/accounts/new");
      await page.getByLabel("Label").fill("Binance real");
      await page.getByLabel("API key").fill(apiKey);
      await page.getByLabel("API secret").fill(secret);
      await page.getByTestId("add-account-submit").click();
      await expect(page.getByTestId("account-added")).toBeVisible();
      await page.goto("/dashboard/accounts/new");
      await chooseExchange(page, "paper");
      await page.getByLabel("Label").fill("Paper try-out");
      await page.getByTestId("add-account-submit").click();
      await expect(page.getByTestId("account-added")).toBeVisible();

      await page.goto("/dashboard/strategies/new");
      const account = page.getByLabel("Account", { exact: true });
      await page.getByLabel("Signal").selectOption({ label: signal });
      await expect(account.locator("option:checked")).toHaveText("Paper try-out");
      await expect(page.getByTestId("paper-suggestion")).toContainText("comes from an AI model");
      await page.screenshot({ path: "test-results/24-ai-paper-suggestion.png", fullPage: true });
      // The trader's own pick stands, and the hint still names the paper account.
      await account.selectOption({ label: "Binance real" });
      await expect(page.getByTestId("paper-suggestion")).toContainText("Paper try-out");
      await account.selectOption({ label: "Paper try-out" });
      await page.getByLabel("Name").fill("AI on paper");
      await page.getByLabel("Symbol").fill("BTC/USDT");
      await page.getByLabel("Amount in quote").fill("100");
      await page.getByTestId("create-strategy").click();
      await expect(page.locator('[data-testid="strategy"][data-name="AI on paper"]')).toBeVisible();

      // Only the first: with a strategy on an AI signal, the form no longer steers to paper (its own default
      // is the first account, the Binance one).
      await page.goto("/dashboard/strategies/new");
      await page.getByLabel("Signal").selectOption({ label: signal });
      await expect(account.locator("option:checked")).toHaveText("Binance real");
      await expect(page.getByTestId("paper-suggestion")).toHaveCount(0);
    } finally {
      await trader.close();
    }
  });
});
