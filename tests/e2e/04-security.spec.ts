import { expect, test } from "@playwright/test";
import { AdminUsersPage, editSessionToken, firstAdmin, mailLink, PASSWORD, Person, sessionCookie } from "./support";

test.describe.serial("account security: lockout, password reset, audit trail", () => {
  let admin: Person;
  let victim: Person;

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    victim = await Person.create(browser, "Vic Tim");
    await victim.register();
    await victim.page.goto("/login");
  });

  test.afterAll(async () => {
    await Promise.all([admin, victim].map((p) => p?.close()));
  });

  test("five wrong passwords lock the account with the usual message, and the owner gets an email", async () => {
    const page = victim.page;
    await page.context().clearCookies();
    for (let i = 0; i < 5; i++) {
      await victim.login("not-my-password-1");
      await expect(page.getByTestId("form-message")).toContainText("The email or password is incorrect.");
    }
    // Even the right password is refused now, with the same words.
    await victim.login(PASSWORD);
    await expect(page.getByTestId("form-message")).toContainText("The email or password is incorrect.");
    await mailLink(page, victim.email, "lockout");
    await page.screenshot({ path: "screenshots/mailbox-lockout-en.png", fullPage: true });
  });

  test("a password reset by email lets the owner back in, once", async () => {
    const page = victim.page;
    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot password?" }).click();
    // The login page has an Email field too: wait for the reset form before typing.
    await expect(page.getByRole("button", { name: "Send reset link" })).toBeVisible();
    await page.getByLabel("Email").fill(victim.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByTestId("form-message")).toContainText("If an account exists for that address");
    const link = await mailLink(page, victim.email, "password_reset");

    await page.goto(link);
    await page.getByLabel("New password", { exact: true }).fill("a-brand-new-password");
    await page.getByLabel("Confirm new password").fill("a-brand-new-password");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByTestId("reset-done")).toBeVisible();
    await page.screenshot({ path: "screenshots/reset-done-en.png", fullPage: true });

    // The lock is lifted with the reset: the new password works at once. The cookies were cleared, so
    // this browser is a new device and waits for the owner's confirmation first.
    await victim.login("a-brand-new-password");
    await expect(page).toHaveURL(/\/confirm-device$/);
    await victim.confirmThisDevice("/pending");
    await expect(page).toHaveURL(/\/pending/);

    // The same link again: a clear page, not a form.
    await page.goto(link);
    await expect(page.getByTestId("reset-link-problem")).toHaveAttribute("data-reason", "used");
    await expect(page.getByRole("link", { name: "Request a new link" })).toBeVisible();
    await page.screenshot({ path: "screenshots/reset-used-en.png", fullPage: true });
    await page.goto("/reset-password?token=not-a-real-token");
    await expect(page.getByTestId("reset-link-problem")).toHaveAttribute("data-reason", "invalid");
  });

  test("the admin sees it all in the audit log, filtered", async ({ baseURL }) => {
    const page = admin.page;
    await page.goto(`/admin/audit?group=login&email=${encodeURIComponent(victim.email)}`);
    await expect(page.locator('[data-testid="audit-row"][data-action="login.lockout"]')).toHaveCount(1);
    await expect(page.locator('[data-testid="audit-row"][data-action="login.failure"]')).toHaveCount(5);
    await page.goto(`/admin/audit?group=password&email=${encodeURIComponent(victim.email)}`);
    await expect(page.locator('[data-testid="audit-row"][data-action="password.reset"]')).toHaveCount(1);
    await page.screenshot({ path: "screenshots/admin-audit-en.png", fullPage: true });
    await admin.context.addCookies([{ name: "NEXT_LOCALE", value: "ru", url: baseURL! }]);
    await page.goto("/admin/audit");
    await expect(page.getByRole("heading", { name: "Журнал аудита" })).toBeVisible();
    await page.screenshot({ path: "screenshots/admin-audit-ru.png", fullPage: true });
    await page.goto("/dashboard/settings");
    await expect(page.getByText("Активность безопасности")).toBeVisible();
    await page.screenshot({ path: "screenshots/settings-security-ru.png", fullPage: true });
    await admin.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
  });

  test("signing out ends the session on the server: a cookie copied before no longer opens anything", async ({ browser }) => {
    const page = victim.page;
    await page.goto("/pending");
    await expect(page).toHaveURL(/\/pending/);
    const copied = await sessionCookie(victim.context);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);

    // Someone who copied the cookie earlier presents it from another browser.
    const thief = await browser.newContext();
    try {
      await thief.addCookies([copied]);
      const stolen = await thief.newPage();
      await stolen.goto("/pending");
      await expect(stolen).toHaveURL(/\/login/);
      // Nor does Auth.js's own session endpoint answer for it.
      await thief.addCookies([copied]);
      const session = await thief.request.get("/api/auth/session");
      expect(await session.json()).toBeNull();
    } finally {
      await thief.close();
    }
  });

  test("a session without activity for 30 minutes ends; 'keep me signed in' keeps it", async () => {
    const page = victim.page;
    await victim.login("a-brand-new-password");
    await expect(page).toHaveURL(/\/pending/);
    // Thirty-one minutes without a request, as the token would say after a lunch break.
    await editSessionToken(victim.context, (claims) => ({ ...claims, la: Math.floor(Date.now() / 1000) - 31 * 60 }));
    await page.goto("/pending");
    await expect(page).toHaveURL(/\/login\?error=idle/);
    await expect(page.getByTestId("form-message")).toContainText("signed out after a period without activity");

    await page.getByLabel(/^email$/i).fill(victim.email);
    await page.getByLabel(/^password$/i).fill("a-brand-new-password");
    await page.getByTestId("login-remember").check();
    await page.getByRole("button", { name: /^sign in$/i }).click();
    await expect(page).toHaveURL(/\/pending/);
    await editSessionToken(victim.context, (claims) => ({ ...claims, la: Math.floor(Date.now() / 1000) - 31 * 60 }));
    await page.goto("/pending");
    await expect(page).toHaveURL(/\/pending/);
  });

  test("a role change asks the admin for the password again when the sign-in is older than 10 minutes", async () => {
    const page = admin.page;
    await editSessionToken(admin.context, (claims) => ({ ...claims, at: Math.floor(Date.now() / 1000) - 11 * 60 }));
    const users = new AdminUsersPage(page);
    await users.open(victim.email);
    const row = users.row(victim.email);
    await row.getByTestId("role-select").selectOption({ label: "Trader" });
    await row.getByTestId("apply-role").click();
    const dialog = page.getByTestId("reauth-dialog");
    await expect(dialog).toBeVisible();
    await dialog.getByTestId("reauth-password").fill("not-the-password");
    await dialog.getByTestId("reauth-submit").click();
    await expect(dialog).toContainText("That password is not correct");
    await dialog.getByTestId("reauth-password").fill(PASSWORD);
    await dialog.getByTestId("reauth-submit").click();
    // Confirmed: the same change goes through without being asked again.
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId("row-feedback").first()).toContainText("is now Trader");
  });
});
