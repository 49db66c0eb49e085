import { expect, test, type Browser } from "@playwright/test";
import { firstAdmin, mailCount, mailLink, newTrader, PASSWORD, Person } from "./support";

/** The same person on another machine: a fresh browser context with no cookies. */
async function sameUserElsewhere(browser: Browser, who: Person, headers?: Record<string, string>) {
  const context = await browser.newContext(headers ? { extraHTTPHeaders: headers } : {});
  const page = await context.newPage();
  return new Person(context, page, who.name, who.email);
}

test.describe.serial("devices and email verification", () => {
  let admin: Person;
  let owner: Person;
  let laptop: Person | undefined;

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    owner = await newTrader(browser, admin, "Dana Devices");
  });

  test.afterAll(async () => {
    await Promise.all([admin, owner, laptop].map((p) => p?.close()));
  });

  test("a new account must confirm its email before the dashboard; the link is single use", async ({ browser }) => {
    const newcomer = await Person.create(browser, "Nina Newcomer");
    await newcomer.register(PASSWORD, { verify: false });
    const page = newcomer.page;
    await expect(page.getByTestId("verify-email-wait")).toContainText(newcomer.email);
    await page.screenshot({ path: "screenshots/verify-email-en.png", fullPage: true });
    for (const path of ["/dashboard", "/pending", "/admin"]) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/verify-email$/);
    }
    // Asking again straight away is refused with the cooldown.
    await page.getByTestId("resend").click();
    await expect(page.getByTestId("form-message")).toContainText("Please wait");
    expect(await mailCount(page, newcomer.email, "verify_email")).toBe(1);

    const link = await mailLink(page, newcomer.email, "verify_email");
    await page.goto(link);
    // Opening the link changes nothing until the button is pressed (mail scanners follow links).
    await expect(page.getByTestId("confirm-email")).toBeVisible();
    await page.getByTestId("confirm-email").click();
    await expect(page.getByTestId("email-verified")).toBeVisible();
    await page.getByTestId("verified-continue").click();
    await expect(page).toHaveURL(/\/pending/);

    await page.goto(link);
    await page.getByTestId("confirm-email").click();
    await expect(page.getByTestId("link-problem")).toHaveAttribute("data-reason", "used");
    await page.goto("/verify-email?token=not-a-real-token-at-all");
    await page.getByTestId("confirm-email").click();
    await expect(page.getByTestId("link-problem")).toHaveAttribute("data-reason", "invalid");
    await newcomer.close();
  });

  test("a sign-in from a new browser waits; the emailed Yes lets that waiting session in", async ({ browser }) => {
    laptop = await sameUserElsewhere(browser, owner);
    await laptop.login();
    await expect(laptop.page).toHaveURL(/\/confirm-device$/);
    await expect(laptop.page.getByTestId("confirm-device-wait")).toContainText(owner.email);
    await laptop.page.screenshot({ path: "screenshots/confirm-device-wait-en.png", fullPage: true });
    // Held: no dashboard by URL either.
    await laptop.page.goto("/dashboard/accounts");
    await expect(laptop.page).toHaveURL(/\/confirm-device$/);

    // The owner opens the email on their usual browser (say, their phone) and answers Yes there.
    const yes = await mailLink(owner.page, owner.email, "new_device", "first");
    expect(yes).toContain("answer=yes");
    await owner.page.goto(yes);
    await expect(owner.page.getByTestId("device-details")).toContainText("Chrome");
    await owner.page.screenshot({ path: "screenshots/confirm-device-question-en.png", fullPage: true });
    await owner.page.getByTestId("device-yes").click();
    await expect(owner.page.getByTestId("device-answered")).toHaveAttribute("data-answer", "yes");

    // The waiting page continues by itself.
    await expect(laptop.page).toHaveURL(/\/dashboard$/, { timeout: 15_000 });

    // The same link a second time changes nothing.
    await owner.page.goto(yes);
    await expect(owner.page.getByTestId("device-yes")).toHaveCount(0);
  });

  test("a trusted device signing in from a new country is asked again", async ({ browser }) => {
    const abroad = await sameUserElsewhere(browser, owner, { "x-vercel-ip-country": "DE" });
    await abroad.login();
    await expect(abroad.page).toHaveURL(/\/confirm-device$/);
    await abroad.confirmThisDevice();
    await expect(abroad.page).toHaveURL(/\/dashboard$/);
    // Same device, another country: confirm again.
    await abroad.page.getByTestId("user-menu").click();
    await abroad.page.getByTestId("sign-out").click();
    await expect(abroad.page).toHaveURL(/\/login/);
    await abroad.context.setExtraHTTPHeaders({ "x-vercel-ip-country": "FR" });
    await abroad.login();
    await expect(abroad.page).toHaveURL(/\/confirm-device$/);
    // Until the owner answers, the device stays held, whichever country it comes from next.
    await abroad.context.setExtraHTTPHeaders({ "x-vercel-ip-country": "DE" });
    await abroad.page.goto("/dashboard");
    await expect(abroad.page).toHaveURL(/\/confirm-device$/);
    await abroad.close();
  });

  test("No blocks the device: its waiting session ends and it cannot sign in again", async ({ browser }) => {
    const thief = await sameUserElsewhere(browser, owner);
    await thief.login();
    await expect(thief.page).toHaveURL(/\/confirm-device$/);

    const no = await mailLink(owner.page, owner.email, "new_device", "last");
    expect(no).toContain("answer=no");
    await owner.page.goto(no);
    await owner.page.getByTestId("device-no").click();
    await expect(owner.page.getByTestId("device-answered")).toHaveAttribute("data-answer", "no");
    await expect(owner.page.getByTestId("change-password")).toBeVisible();
    await owner.page.screenshot({ path: "screenshots/confirm-device-blocked-en.png", fullPage: true });

    // The waiting page notices and the session is over.
    await expect(thief.page).toHaveURL(/\/login/, { timeout: 15_000 });
    await thief.login();
    await expect(thief.page.getByTestId("form-message")).toContainText("The email or password is incorrect.");
    await thief.close();
  });

  test("revoking a device from another session locks it out at its next request", async () => {
    const page = owner.page;
    await page.goto("/dashboard/settings");
    await page.getByTestId("open-devices").click();
    await expect(page).toHaveURL(/\/dashboard\/settings\/devices$/);
    await expect(page.locator('[data-testid="device-row"][data-current="true"]')).toHaveCount(1);
    await expect(page.locator('[data-testid="device-row"][data-status="declined"]')).toHaveCount(1);
    await page.screenshot({ path: "screenshots/devices-en.png", fullPage: true });

    // The laptop is the most recently confirmed other trusted device.
    const others = page.locator('[data-testid="device-row"][data-current="false"][data-status="trusted"]');
    const before = await others.count();
    expect(before).toBeGreaterThanOrEqual(1);
    await laptop!.page.goto("/dashboard");
    await expect(laptop!.page).toHaveURL(/\/dashboard$/);
    await page.reload();
    await others.first().getByTestId("revoke-device").click();
    await page.getByTestId("confirm-revoke").click();
    await expect(page.getByTestId("form-message")).toContainText("The device was revoked.");
    await expect(others).toHaveCount(before - 1);

    await laptop!.page.goto("/dashboard/orders");
    await expect(laptop!.page).toHaveURL(/\/login/);
    // Signing in again from it asks for confirmation again.
    await laptop!.login();
    await expect(laptop!.page).toHaveURL(/\/confirm-device$/);
  });

  test("the audit trail shows the device events; pages in Russian", async ({ baseURL }) => {
    const page = owner.page;
    await page.goto("/dashboard/settings");
    for (const action of ["device.pending", "device.trusted", "device.declined", "device.revoked"]) {
      await expect(page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first()).toBeVisible();
    }
    await owner.context.addCookies([{ name: "NEXT_LOCALE", value: "ru", url: baseURL! }]);
    await page.goto("/dashboard/settings/devices");
    await expect(page.getByRole("heading", { name: "Устройства" })).toBeVisible();
    await page.screenshot({ path: "screenshots/devices-ru.png", fullPage: true });
    await laptop!.context.addCookies([{ name: "NEXT_LOCALE", value: "ru", url: baseURL! }]);
    await laptop!.page.goto("/confirm-device");
    await expect(laptop!.page.getByRole("heading", { name: "Подтвердите это устройство" })).toBeVisible();
    await laptop!.page.screenshot({ path: "screenshots/confirm-device-wait-ru.png", fullPage: true });
    await owner.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
  });

  test("changing the password ends the other sessions; this one stays signed in", async ({ browser }) => {
    const second = await sameUserElsewhere(browser, owner);
    await second.login();
    await second.confirmThisDevice();
    await expect(second.page).toHaveURL(/\/dashboard$/);

    const page = owner.page;
    await page.goto("/dashboard/settings");
    const form = page.getByTestId("change-password-form");
    const fill = async (current: string, next: string) => {
      await form.getByLabel("Current password").fill(current);
      await form.getByLabel("New password", { exact: true }).fill(next);
      await form.getByLabel("Confirm new password").fill(next);
      await form.getByTestId("change-password-submit").click();
    };
    await fill("not-my-password-at-all", "another-long-password");
    await expect(form.getByTestId("error-currentPassword")).toContainText("That is not your current password.");
    await fill(PASSWORD, "short");
    await expect(form.getByTestId("error-password")).toBeVisible();
    await fill(PASSWORD, "another-long-password");
    await expect(form.getByTestId("form-message")).toContainText("Password changed");
    await page.screenshot({ path: "screenshots/settings-password-en.png", fullPage: true });

    // This browser carries on; the other one is signed out at its next request.
    await page.reload();
    await expect(page).toHaveURL(/\/dashboard\/settings$/);
    await second.page.goto("/dashboard/orders");
    await expect(second.page).toHaveURL(/\/login/);
    await second.login(PASSWORD);
    await expect(second.page.getByTestId("form-message")).toContainText("The email or password is incorrect.");
    // A trusted device with the new password: straight in.
    await second.login("another-long-password");
    await expect(second.page).toHaveURL(/\/dashboard$/);
    await second.close();
  });
});
