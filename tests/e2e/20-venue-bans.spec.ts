import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person } from "./support";

const SIMULATOR = process.env.E2E_SIMULATOR_URL ?? "http://127.0.0.1:3101";
const API_KEY = `e2e-ban-${Date.now().toString(36)}`;
const API_SECRET = `e2e-ban-secret-${Math.random().toString(36).slice(2)}`;
// Short, so the specs after this one find Binance open again.
const BAN_SECONDS = 12;

async function simulator(path: string, body: unknown) {
  const res = await fetch(`${SIMULATOR}${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}

async function fitsTheScreen(page: Page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${page.url()} is ${scroll}px wide on a ${inner}px screen`).toBeLessThanOrEqual(inner);
}

test.describe.serial("a venue's ban of our address shows on the admin overview", () => {
  let admin: Person;
  let trader: Person;

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Bart Banned");
    await simulator("/__sim/accounts", { apiKey: API_KEY, secret: API_SECRET, balances: { USDT: "1000" } });
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("Binance answers 418: the overview names the venue, since and until when; it goes when the ban ends", async () => {
    await simulator("/__sim/faults", { kind: "status", status: 418, retryAfter: BAN_SECONDS, path: "/api/v3/account", apiKey: API_KEY });
    const page = trader.page;
    await page.goto("/dashboard/accounts/new");
    await page.getByLabel("Label").fill("Binance banned");
    await page.getByLabel("API key").fill(API_KEY);
    await page.getByLabel("API secret").fill(API_SECRET);
    await page.getByTestId("add-account-submit").click();
    // The form answers once the venue has refused (the ban is booked before that answer).
    await expect(page.getByTestId("form-message")).toBeVisible();
    await expect(page.getByTestId("account-added")).toHaveCount(0);

    await admin.page.goto("/admin");
    const section = admin.page.getByTestId("venue-bans");
    await expect(section.locator('[data-testid="venue-ban"][data-venue="binance"]')).toBeVisible();
    await expect(section).toContainText("Binance");
    await expect(section).toContainText("HTTP 418");
    await section.scrollIntoViewIfNeeded();
    await admin.page.screenshot({ path: "screenshots/venue-bans-admin.png", fullPage: true });
    await admin.page.setViewportSize({ width: 390, height: 844 });
    await fitsTheScreen(admin.page);
    await admin.page.screenshot({ path: "screenshots/venue-bans-admin-phone.png", fullPage: true });
    await admin.page.setViewportSize({ width: 1280, height: 800 });

    await expect(async () => {
      await admin.page.goto("/admin");
      await expect(admin.page.getByTestId("venue-ban-count")).toHaveAttribute("data-count", "0", { timeout: 1_000 });
    }).toPass({ timeout: (BAN_SECONDS + 10) * 1000 });
    await expect(admin.page.getByTestId("venue-bans").getByTestId("section-empty")).toBeVisible();
  });
});
