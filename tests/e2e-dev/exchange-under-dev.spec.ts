import { expect, test } from "@playwright/test";
import { firstAdmin, newTrader } from "../e2e/support";

const SIMULATOR = `http://127.0.0.1:${process.env.E2E_DEV_SIMULATOR_PORT ?? 3201}`;

test("under `npm run dev`, a trader connects a Binance account (ccxt against the simulator) and sees its balances", async ({ browser }) => {
  const apiKey = `dev-key-${Date.now().toString(36)}-DEVK`;
  const secret = `dev-secret-${Math.random().toString(36).slice(2)}`;
  const res = await fetch(`${SIMULATOR}/__sim/accounts`, { method: "POST", body: JSON.stringify({ apiKey, secret, balances: { USDT: "2500", BTC: "0.1" } }) });
  expect(res.ok).toBe(true);

  const admin = await firstAdmin(browser);
  const trader = await newTrader(browser, admin, "Dev Dana");
  const page = trader.page;
  await page.goto("/dashboard/accounts/new");
  await page.getByLabel("Label").fill("Binance under dev");
  await page.getByLabel("API key").fill(apiKey);
  await page.getByLabel("API secret").fill(secret);
  await page.getByTestId("add-account-submit").click();
  await expect(page.getByTestId("account-added")).toBeVisible();
  const balances = page.getByTestId("balances");
  await expect(balances).toContainText("USDT");
  await expect(balances).toContainText(/2[,\s]?500/);
  await Promise.all([admin.close(), trader.close()]);
});
