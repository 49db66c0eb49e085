import { expect, test, type Page } from "@playwright/test";
import { AdminUsersPage, FIRST_ADMIN, firstAdmin, mailLink, PASSWORD, Person } from "./support";

const PHONE = { width: 390, height: 844 };

/** The newest email of a kind to an address, as its plain text (polled: some are sent after the response). */
async function newestMailText(page: Page, to: string, kind: string, mentioning: string) {
  let text = "";
  await expect(async () => {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(to)}`);
    const mail = page.locator(`[data-testid="mail-item"][data-kind="${kind}"]`).filter({ hasText: mentioning }).first();
    await expect(mail).toBeVisible({ timeout: 1_000 });
    text = (await mail.getByTestId("mail-text").textContent()) ?? "";
  }).toPass({ timeout: 15_000 });
  return text;
}

// A new account waits for approval; the admin is emailed, approves it from the waiting list, and the
// user is emailed that they can trade. Another one is declined.
test.describe.serial("approvals: waiting list, emails, approve and decline", () => {
  let admin: Person;
  let dana: Person;
  let eve: Person;

  test.beforeAll(async ({ browser }) => {
    admin = await firstAdmin(browser);
    dana = await Person.create(browser, "Dana Waiting", "dana");
    eve = await Person.create(browser, "Eve Declined", "eve");
  });

  test.afterAll(async () => {
    await Promise.all([admin, dana, eve].map((p) => p?.close()));
  });

  test("a new user waits and is told what happens next, on a phone too", async () => {
    await dana.register(PASSWORD, { verify: false });
    await dana.page.goto(await mailLink(dana.page, dana.email, "verify_email"));
    await dana.page.getByTestId("confirm-email").click();
    // Not "ready to use": the account still waits for an admin.
    await expect(dana.page.getByTestId("email-verified")).toContainText("An administrator will now review your account");
    await dana.page.getByTestId("verified-continue").click();
    await expect(dana.page).toHaveURL(/\/pending$/);
    const next = dana.page.getByTestId("pending-next");
    await expect(next).toContainText("An administrator reviews your account.");
    await expect(next).toContainText(`We email ${dana.email} as soon as it is approved.`);
    await expect(next).toContainText("You can close this page.");
    await dana.page.setViewportSize(PHONE);
    expect(await dana.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await dana.page.screenshot({ path: "screenshots/pending-phone-en.png", fullPage: true });
  });

  test("the admin is emailed and finds the account at the top of the users page", async () => {
    const text = await newestMailText(admin.page, FIRST_ADMIN.email, "approval_request", dana.email);
    expect(text).toContain("Dana Waiting");
    const link = await mailLink(admin.page, FIRST_ADMIN.email, "approval_request");
    expect(link).toBe("/admin/users");
    await admin.page.goto(link);
    const row = admin.page.locator(`[data-testid="pending-user"][data-email="${dana.email}"]`);
    await expect(row).toContainText("Dana Waiting");
    // Verified by the emailed link during registration.
    await expect(row.getByTestId("pending-verified")).toHaveText("Email confirmed");
    // Newest first: Dana registered last.
    await expect(admin.page.getByTestId("pending-user").first()).toHaveAttribute("data-email", dana.email);
    await admin.page.screenshot({ path: "screenshots/admin-pending-en.png", fullPage: true });
    await admin.page.setViewportSize(PHONE);
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await admin.page.screenshot({ path: "screenshots/admin-pending-phone-en.png", fullPage: true });
    await admin.page.setViewportSize({ width: 1280, height: 720 });
  });

  test("the admin approves; the user gets the email and its link opens the dashboard", async () => {
    await admin.page.goto("/admin/users");
    const row = admin.page.locator(`[data-testid="pending-user"][data-email="${dana.email}"]`);
    await row.getByRole("button", { name: "Approve Dana Waiting" }).click();
    await expect(admin.page.getByTestId("approval-feedback")).toHaveText("Dana Waiting is approved and can trade now. We emailed them.");
    await expect(row).toHaveCount(0);
    const users = new AdminUsersPage(admin.page);
    await users.open(dana.email);
    await expect(users.row(dana.email).getByTestId("role-select")).toHaveValue("2");

    const text = await newestMailText(dana.page, dana.email, "account_approved", "approved");
    expect(text).toContain("an administrator approved your account");
    const link = await mailLink(dana.page, dana.email, "account_approved");
    expect(link).toBe("/dashboard");
    await dana.page.goto(link);
    await expect(dana.page).toHaveURL(/\/dashboard$/);
    await expect(dana.page.getByRole("heading", { name: "Welcome, Dana Waiting" })).toBeVisible();
  });

  test("decline asks first, then disables the account", async () => {
    await eve.register();
    await expect(eve.page).toHaveURL(/\/pending$/);
    await admin.page.goto("/admin/users");
    const row = admin.page.locator(`[data-testid="pending-user"][data-email="${eve.email}"]`);
    await row.getByTestId("decline-user").click();
    const dialog = admin.page.getByRole("dialog");
    await expect(dialog).toContainText("Decline Eve Declined?");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toBeVisible();

    await row.getByTestId("decline-user").click();
    await admin.page.getByTestId("confirm-decline").click();
    await expect(admin.page.getByTestId("approval-feedback")).toHaveText("Eve Declined was declined; the account is disabled.");
    await expect(row).toHaveCount(0);
    const users = new AdminUsersPage(admin.page);
    await users.open(eve.email);
    await expect(users.row(eve.email).getByTestId("user-status")).toHaveText("Disabled");

    await eve.page.goto("/pending");
    await expect(eve.page).toHaveURL(/\/login\?error=disabled/);
  });
});
