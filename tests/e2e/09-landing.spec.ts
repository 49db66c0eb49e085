import { expect, test } from "@playwright/test";

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

test.describe("the landing page", () => {
  for (const locale of ["en", "ru"] as const) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      test(`is light like the app and fits a ${size} (${locale})`, async ({ browser, baseURL }) => {
        const context = await browser.newContext({ viewport });
        await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
        const page = await context.newPage();
        await page.goto("/");
        await expect(page.locator("html")).toHaveAttribute("lang", locale);
        const landing = page.getByTestId("landing");
        await expect(landing.getByRole("heading", { level: 1 })).toBeVisible();
        // The app's light tokens: the page shows the body's background and the foreground text colour,
        // not the dark sidebar's.
        const colours = await page.evaluate(() => {
          const probe = document.createElement("div");
          probe.className = "bg-background text-foreground";
          document.body.append(probe);
          const token = { background: getComputedStyle(probe).backgroundColor, text: getComputedStyle(probe).color };
          probe.remove();
          const root = getComputedStyle(document.querySelector("[data-testid=landing]")!).backgroundColor;
          return { ...token, body: getComputedStyle(document.body).backgroundColor, root, heading: getComputedStyle(document.querySelector("h1")!).color };
        });
        expect(colours.body).toBe(colours.background);
        expect(["rgba(0, 0, 0, 0)", colours.background]).toContain(colours.root);
        expect(colours.heading).toBe(colours.text);
        const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        expect(widths[0], `the page is ${widths[0]}px wide on a ${widths[1]}px screen`).toBeLessThanOrEqual(widths[1]!);
        await page.screenshot({ path: `screenshots/landing-${size}-${locale}.png`, fullPage: true });
        await landing.getByRole("link", { name: locale === "en" ? "Create an account" : "Создать аккаунт" }).first().click();
        await expect(page).toHaveURL(/\/register$/);
        await context.close();
      });
    }
  }
});
