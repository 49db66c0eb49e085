import { expect, test, type Page } from "@playwright/test";
import { firstAdmin, newTrader, type Person, chooseExchange } from "./support";

async function fitsTheScreen(page: Page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${page.url()} is ${scroll}px wide on a ${inner}px screen`).toBeLessThanOrEqual(inner);
}

test.describe.serial("rebalancer: a trader sets a target portfolio, reviews a dry run and runs it on paper", () => {
  let admin: Person;
  let trader: Person;

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Rita Rebalance");
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("without an account the page says what to do", async () => {
    await trader.page.goto("/dashboard/rebalancer");
    await expect(trader.page.getByTestId("empty-state")).toContainText("Connect an exchange account");
  });

  test("targets are checked, a dry run plans without placing, Run now places after a confirmation", async () => {
    const page = trader.page;
    await page.goto("/dashboard/accounts/new");
    await chooseExchange(page, "paper");
    await page.getByTestId("add-account-submit").click();
    await page.waitForURL(/\/dashboard\/accounts\/[0-9a-f-]{36}/);
    const accountId = page.url().match(/accounts\/([0-9a-f-]{36})/)![1]!;
    await page.getByTestId("account-rebalancer-link").click();
    await page.waitForURL(`**/dashboard/rebalancer?account=${accountId}`);
    await expect(page.getByTestId("runs-empty")).toBeVisible();
    await page.getByTestId("target-weight-0").fill("40");
    await expect(page.getByTestId("weight-sum")).toContainText("90");
    await page.getByTestId("rebalancer-save").click();
    await expect(page.getByTestId("error-targets")).toContainText("exactly 100");
    await page.getByTestId("target-weight-0").fill("50");
    await page.getByTestId("rebalancer-save").click();
    await expect(page.getByTestId("rebalancer-feedback")).toContainText("Saved");

    await page.reload();
    await expect(page.getByTestId("current-weights")).toBeVisible();
    await page.getByTestId("rebalancer-dry-run").click();
    await expect(page.getByTestId("rebalancer-dry-run-feedback")).toContainText("Nothing was placed");
    await page.reload();
    await expect(page.getByTestId("plan-table")).toContainText("BTC/USDT");
    await expect(page.getByTestId("run-row").first()).toContainText("Dry run");

    await page.getByTestId("dry-run-switch").uncheck();
    await page.getByTestId("rebalancer-save").click();
    await expect(page.getByTestId("rebalancer-feedback")).toContainText("Saved");
    await page.reload();
    await page.getByTestId("rebalancer-run-now").click();
    await page.getByTestId("rebalancer-run-now-confirm").click();
    await expect(page.getByTestId("rebalancer-run-now-feedback")).toContainText("finished");
    await page.reload();
    const live = page.getByTestId("run-row").first();
    await expect(live).toContainText("Live");
    await expect(live).toContainText("filled");
    await page.screenshot({ path: "screenshots/rebalancer-desktop-en.png", fullPage: true });
  });

  for (const locale of ["en", "ru", "uk"] as const) {
    test(`fits a phone in ${locale}`, async ({ baseURL }) => {
      const page = trader.page;
      await trader.context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto("/dashboard/rebalancer");
      await expect(page.getByTestId("current-weights")).toBeVisible();
      // The weights chart loads after the page: the picture waits for it.
      await expect(page.getByTestId("current-weights").locator("svg.recharts-surface")).toBeVisible();
      await fitsTheScreen(page);
      await page.screenshot({ path: `screenshots/rebalancer-${locale}.png`, fullPage: true });
    });
  }
});
