import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { generate } from "otplib";
import { firstAdmin, newTrader, PASSWORD, type Person } from "./support";

const STEP = 30;
const nowStep = () => Math.floor(Date.now() / 1000 / STEP);

/**
 * The code an authenticator app would show. The server accepts each time step once, so a code for a
 * step after `usedStep` is computed (the server accepts one step ahead of its clock).
 */
async function appCode(secret: string, usedStep = -1) {
  const step = Math.max(nowStep(), usedStep + 1);
  return { step, code: await generate({ secret, epoch: step * STEP }) };
}

/** A six-digit code that is none of the valid codes around now. */
async function wrongCode(secret: string) {
  const s = nowStep();
  const valid = new Set(await Promise.all([-1, 0, 1, 2].map((d) => generate({ secret, epoch: (s + d) * STEP }))));
  for (const candidate of ["123456", "654321", "111111", "909090"]) if (!valid.has(candidate)) return candidate;
  throw new Error("no wrong code found");
}

async function signOut(page: Page) {
  await page.goto("/dashboard");
  await page.getByTestId("user-menu").click();
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/login/);
}

async function submitLoginCode(page: Page, code: string) {
  await page.getByLabel("Authentication code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
}

test.describe.serial("two-factor authentication", () => {
  let admin: Person;
  let trader: Person;
  let secret = "";
  let usedStep = -1;
  let recovery: string[] = [];

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    trader = await newTrader(browser, admin, "Tom Twofactor");
  });

  test.afterAll(async () => {
    await Promise.all([admin, trader].map((p) => p?.close()));
  });

  test("a trader turns two-factor on and sees the recovery codes once", async () => {
    const page = trader.page;
    await page.goto("/dashboard/settings/two-factor");
    await expect(page.getByTestId("two-factor-status")).toHaveAttribute("data-enabled", "false");
    await page.getByTestId("two-factor-start").click();

    await expect(page.getByTestId("two-factor-qr")).toBeVisible();
    expect(await page.getByTestId("two-factor-qr").getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
    secret = (await page.getByTestId("totp-secret").getAttribute("data-secret")) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.screenshot({ path: "screenshots/two-factor-setup-en.png", fullPage: true });

    const form = page.getByTestId("two-factor-confirm");
    await form.getByTestId("two-factor-confirm-code").fill(await wrongCode(secret));
    await form.getByTestId("two-factor-confirm-submit").click();
    await expect(form.getByTestId("error-code")).toContainText("That code is not valid");

    const first = await appCode(secret, usedStep);
    usedStep = first.step;
    await form.getByTestId("two-factor-confirm-code").fill(first.code);
    await form.getByTestId("two-factor-confirm-submit").click();

    await expect(page.getByTestId("recovery-code")).toHaveCount(10);
    await expect(page.getByTestId("recovery-codes-warning")).toContainText("shown only this once");
    recovery = (await page.getByTestId("recovery-code").allTextContents()).map((c) => c.trim());
    for (const code of recovery) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{2}$/);
    await page.screenshot({ path: "screenshots/two-factor-codes-en.png", fullPage: true });

    const downloading = page.waitForEvent("download");
    await page.getByTestId("recovery-codes-download").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("signalbridge-recovery-codes.txt");
    const text = await readFile((await download.path())!, "utf8");
    for (const code of recovery) expect(text).toContain(code);

    await page.getByTestId("recovery-codes-done").click();
    await expect(page.getByTestId("two-factor-status")).toHaveAttribute("data-enabled", "true");
    await expect(page.getByTestId("recovery-codes-left")).toContainText("10 unused recovery codes left");

    // This session survived the session-version bump; the codes are never shown again.
    await page.reload();
    await expect(page).toHaveURL(/\/dashboard\/settings\/two-factor$/);
    await expect(page.getByTestId("two-factor-status")).toHaveAttribute("data-enabled", "true");
    await expect(page.getByTestId("recovery-code")).toHaveCount(0);
  });

  test("signing in asks for the code: a wrong code is refused, the right one lets them in", async () => {
    const page = trader.page;
    await signOut(page);
    // Every answer to the sign-in form's action, read through a route (a streamed action answer's
    // body is not kept by the browser once the page has moved on).
    const answers: string[] = [];
    await page.route("**/login", async (route) => {
      if (route.request().method() !== "POST") return route.fallback();
      const response = await route.fetch();
      answers.push(await response.text());
      await route.fulfill({ response });
    });
    await trader.login();
    await expect(page.getByTestId("two-factor-prompt")).toContainText(
      "Enter the 6-digit code from your authenticator app, or a recovery code",
    );
    await expect(page).toHaveURL(/\/login/);
    await page.unroute("**/login");
    // The password stays in the browser: the server's answer never carries it.
    expect(answers.length).toBeGreaterThan(0);
    for (const answer of answers) expect(answer).not.toContain(PASSWORD);
    await page.screenshot({ path: "screenshots/two-factor-login-en.png", fullPage: true });

    await submitLoginCode(page, await wrongCode(secret));
    await expect(page.getByTestId("form-message")).toContainText("That code is not valid");
    await expect(page.getByTestId("two-factor-prompt")).toBeVisible();
    await expect(page).toHaveURL(/\/login/);

    const next = await appCode(secret, usedStep);
    usedStep = next.step;
    await submitLoginCode(page, next.code);
    await expect(page).toHaveURL(/\/dashboard$/);
  });

  test("a recovery code signs in once; the same code a second time is refused", async () => {
    const page = trader.page;
    await signOut(page);
    await trader.login();
    await expect(page.getByTestId("two-factor-prompt")).toBeVisible();
    await submitLoginCode(page, recovery[0]!);
    await expect(page).toHaveURL(/\/dashboard$/);

    await signOut(page);
    await trader.login();
    await expect(page.getByTestId("two-factor-prompt")).toBeVisible();
    await submitLoginCode(page, recovery[0]!);
    await expect(page.getByTestId("form-message")).toContainText("That code is not valid");
    await expect(page).toHaveURL(/\/login/);

    // Another unused code still works (typed in capitals, as people do).
    await submitLoginCode(page, recovery[1]!.toUpperCase());
    await expect(page).toHaveURL(/\/dashboard$/);
    await page.goto("/dashboard/settings/two-factor");
    await expect(page.getByTestId("recovery-codes-left")).toContainText("8 unused recovery codes left");
  });

  test("screenshots in English and Russian", async ({ baseURL }) => {
    const page = trader.page;
    await page.goto("/dashboard/settings/two-factor");
    await expect(page.getByTestId("two-factor-badge")).toHaveText("On");
    await page.screenshot({ path: "screenshots/two-factor-en.png", fullPage: true });

    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "ru", url: baseURL! }]);
    await page.goto("/dashboard/settings/two-factor");
    await expect(page.getByRole("heading", { name: "Двухфакторная аутентификация", exact: true })).toBeVisible();
    await expect(page.getByTestId("two-factor-badge")).toHaveText("Включена");
    await page.screenshot({ path: "screenshots/two-factor-ru.png", fullPage: true });
    await trader.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
  });

  test("when two-factor is required, an admin without it reaches only its set-up until enrolled", async () => {
    const page = admin.page;
    await page.goto("/admin/settings");
    const toggle = page.getByRole("switch", { name: "Require two-factor authentication for admins" });
    await expect(toggle).toHaveAttribute("aria-checked", "false");
    await toggle.click();
    // The admin who turned it on has no 2FA either: straight to the set-up, told why.
    await expect(page).toHaveURL(/\/dashboard\/settings\/two-factor$/);
    await expect(page.getByTestId("two-factor-required")).toContainText("required for administrators");

    // Every admin and dashboard page now leads to the set-up, on the server as well as at the gate.
    for (const path of ["/admin", "/admin/users", "/dashboard", "/dashboard/accounts"]) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/dashboard\/settings\/two-factor$/);
    }
    await page.screenshot({ path: "screenshots/two-factor-required-en.png", fullPage: true });

    await page.getByTestId("two-factor-start").click();
    const adminSecret = (await page.getByTestId("totp-secret").getAttribute("data-secret")) ?? "";
    let adminStep = -1;
    const first = await appCode(adminSecret, adminStep);
    adminStep = first.step;
    const form = page.getByTestId("two-factor-confirm");
    await form.getByTestId("two-factor-confirm-code").fill(first.code);
    await form.getByTestId("two-factor-confirm-submit").click();
    await expect(page.getByTestId("recovery-code")).toHaveCount(10);
    await page.getByTestId("recovery-codes-done").click();

    // Enrolled: the admin pages open again.
    await page.goto("/admin/users");
    await expect(page).toHaveURL(/\/admin\/users$/);

    // Switched off again, and the admin's 2FA turned off (password and code), so later stories sign in as before.
    await page.goto("/admin/settings");
    await page.getByRole("switch", { name: "Require two-factor authentication for admins" }).click();
    await expect(page.getByTestId("require-2fa-feedback")).toContainText("no longer required");
    await page.goto("/dashboard/settings/two-factor");
    const disable = page.getByTestId("two-factor-disable");
    const next = await appCode(adminSecret, adminStep);
    await disable.getByTestId("two-factor-disable-password").fill("not-the-password");
    await disable.getByTestId("two-factor-disable-code").fill(next.code);
    await disable.getByTestId("two-factor-disable-submit").click();
    await page.getByTestId("two-factor-disable-confirm").click();
    await expect(disable.getByTestId("error-code")).toContainText("The password or the code is not valid");
    await disable.getByTestId("two-factor-disable-password").fill(PASSWORD);
    await disable.getByTestId("two-factor-disable-code").fill(next.code);
    await disable.getByTestId("two-factor-disable-submit").click();
    await page.getByTestId("two-factor-disable-confirm").click();
    await expect(page.getByTestId("two-factor-status")).toHaveAttribute("data-enabled", "false");
  });
});
