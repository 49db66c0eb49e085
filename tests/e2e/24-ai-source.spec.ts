import { expect, test } from "@playwright/test";
import { startFakeOpenAi, type FakeOpenAi } from "../helpers/fake-openai";
import { firstAdmin, Person } from "./support";

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
});
