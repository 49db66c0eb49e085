import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person, chooseExchange } from "./support";

const SIGNAL = `notify-${Date.now().toString(36)}`;

async function fitsTheScreen(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test.describe.serial("notifications: settings and the bell", () => {
  let admin: Person;
  let trader: Person;

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Nora Notify");
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("a trader turns a channel off, and a fill shows in the bell", async ({ request, baseURL }) => {
    const page = trader.page;
    await page.goto("/dashboard/settings");
    await page.getByTestId("open-notifications").click();
    await expect(page).toHaveURL(/\/dashboard\/settings\/notifications$/);
    const fillEmail = page.getByTestId("cell-order.filled-email");
    await expect(fillEmail).toBeChecked();
    await expect(page.getByTestId("cell-security.alert-email")).toBeDisabled();
    await expect(page.getByTestId("cell-security.alert-email")).toBeChecked();
    await fillEmail.uncheck();
    // Quiet hours are typed as 24-hour HH:MM whatever the browser's locale (no AM/PM picker); "2300" reads as 23:00.
    await expect(page.getByLabel("From")).toHaveAttribute("type", "text");
    await page.getByLabel("From").fill("2300");
    await page.getByLabel("From").blur();
    await expect(page.getByLabel("From")).toHaveValue("23:00");
    await page.getByTestId("notification-settings-save").click();
    // Half a quiet window is refused with a field error, and what was chosen stays.
    await expect(page.getByTestId("form-message")).toContainText("Check the highlighted fields");
    await expect(page.getByTestId("error-quietEnd")).toBeVisible();
    await page.getByLabel("Until").fill("07:00");
    await page.getByTestId("notification-settings-save").click();
    await expect(page.getByTestId("form-message")).toHaveText("Notification settings saved.");
    await page.reload();
    await expect(page.getByTestId("cell-order.filled-email")).not.toBeChecked();
    await expect(page.getByTestId("cell-order.filled-inapp")).toBeChecked();
    await expect(page.getByLabel("Until")).toHaveValue("07:00");

    // A paper account, a strategy and a buy: the fill lands in the bell.
    await admin.page.goto("/admin/signals");
    await admin.page.getByLabel("Name").fill(SIGNAL);
    await admin.page.getByTestId("create-signal").click();
    const secret = (await admin.page.getByTestId("signal-secret").textContent()) ?? "";
    await page.goto("/dashboard/accounts/new");
    await chooseExchange(page, "paper");
    await page.getByTestId("add-account-submit").click();
    await expect(page.getByTestId("account-added")).toBeVisible();
    await page.goto("/dashboard/strategies/new");
    await page.getByLabel("Name").fill("Bell BTC");
    await page.getByLabel("Signal").selectOption({ label: SIGNAL });
    await page.getByLabel("Symbol").fill("BTC/USDT");
    await page.getByLabel("Amount in quote").fill("100");
    await page.getByTestId("create-strategy").click();
    await expect(page.locator('[data-testid="strategy"][data-name="Bell BTC"]')).toBeVisible();
    const buy = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, action: "buy", symbol: "BTCUSDT", price: "50000", id: "bell-buy-1" } });
    expect(buy.status()).toBe(202);

    await expect(async () => {
      await page.goto("/dashboard");
      await expect(page.getByTestId("notification-unread")).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await page.getByTestId("notification-bell").click();
    const item = page.locator('[data-testid="notification-item"][data-type="order.filled"]');
    await expect(item).toContainText("BTC/USDT");
    await expect(item).toContainText("filled");

    for (const locale of ["en", "ru", "uk"] as const) {
      await trader.context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      for (const [device, width, height] of [["desktop", 1280, 900], ["phone", 390, 844]] as const) {
        await page.setViewportSize({ width, height });
        await page.goto("/dashboard/settings/notifications");
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        await fitsTheScreen(page);
        // 24-hour in every language: a text field, not the browser's locale-drawn time picker.
        await expect(page.locator("#field-quietStart")).toHaveAttribute("type", "text");
        await expect(page.locator("#field-quietStart")).toHaveValue("23:00");
        // The "no bot configured" steps (long env names, the webhook URL) wrap inside the card.
        const card = page.getByTestId("telegram-connect");
        if (await page.getByTestId("telegram-not-configured").count()) {
          expect(await card.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
        }
        await page.screenshot({ path: `screenshots/notifications-${device}-${locale}.png`, fullPage: true });
        await page.getByTestId("notification-bell").click();
        await expect(page.getByTestId("notification-item").first()).toBeVisible();
        await fitsTheScreen(page);
        await page.screenshot({ path: `screenshots/bell-${device}-${locale}.png` });
        await page.keyboard.press("Escape");
      }
    }
    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByTestId("notification-bell").click();
    await page.getByTestId("notification-mark-all").click();
    await expect(page.getByTestId("notification-unread")).toHaveCount(0);
  });
});
