import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, type Person } from "./support";

const CRON_SECRET = process.env.E2E_CRON_SECRET ?? "e2e-cron-secret-0123456789abcdef";
const SIGNAL = `sys-${Date.now().toString(36)}`;

async function fitsTheScreen(page: Page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${page.url()} is ${scroll}px wide on a ${inner}px screen`).toBeLessThanOrEqual(inner);
}

test.describe("admin system page", () => {
  let admin: Person;

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
  });

  test.afterAll(async () => {
    await admin?.close();
  });

  // The e2e server runs no in-process cron (production mode without INPROCESS_CRON); the webhook still
  // drains right after each signal, so the queue is read back as it stands and the cron run is the spec's own.
  test("shows the queue, the services, and the drain run the cron route books; en, ru and uk on a phone", async ({ request, baseURL }) => {
    const page = admin.page;
    await page.goto("/admin/signals");
    await page.getByLabel("Name").fill(SIGNAL);
    await page.getByTestId("create-signal").click();
    const secret = (await page.getByTestId("signal-secret").textContent()) ?? "";
    for (let i = 0; i < 3; i++) {
      const answer = await request.post(`/api/webhooks/signals/${SIGNAL}`, { data: { secret, id: `sys-${i}`, action: "buy", symbol: "BTCUSDT" } });
      expect(answer.status()).toBe(202);
    }

    await page.goto("/admin");
    await page.getByRole("link", { name: "System" }).first().click();
    await expect(page).toHaveURL(/\/admin\/system$/);
    await expect(page.getByRole("heading", { name: "System", level: 1 })).toBeVisible();
    await expect(page.getByTestId("system-queue-value")).toHaveText(/^\d+$/);
    await expect(page.getByTestId("system-database-value")).toHaveText("Up");
    await expect(page.getByTestId("system-version")).toContainText(/Migrations \d+ of \d+/);
    await expect(page.locator('[data-testid="system-job"][data-job="drain"]')).toBeVisible();

    const drained = await request.post("/api/cron/drain", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(drained.status()).toBe(200);
    // The page refreshes itself: the cron run appears without a reload.
    const drain = page.locator('[data-testid="system-job"][data-job="drain"]');
    await expect(drain).toHaveAttribute("data-ran", "yes", { timeout: 20_000 });
    await expect(drain).toContainText("Cron");
    await page.screenshot({ path: "screenshots/system-en.png", fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    for (const locale of ["en", "ru", "uk"] as const) {
      await admin.context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      await page.goto("/admin/system");
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expect(page.getByTestId("system-jobs")).toBeVisible();
      await fitsTheScreen(page);
      await page.screenshot({ path: `screenshots/system-${locale}-phone.png`, fullPage: true });
    }
    await admin.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
