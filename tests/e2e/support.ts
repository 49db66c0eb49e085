import { expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

export const PASSWORD = "correct-horse-battery";

export function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

/** A person with their own browser context (cookies), as two people on two machines would be. */
export class Person {
  constructor(
    public readonly context: BrowserContext,
    public readonly page: Page,
    public readonly name: string,
    public readonly email: string,
  ) {}

  static async create(browser: Browser, name: string, prefix = name.toLowerCase().replace(/[^a-z0-9]+/g, "-"), email = uniqueEmail(prefix)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    return new Person(context, page, name, email);
  }

  async register(password = PASSWORD) {
    await this.page.goto("/register");
    await this.page.getByLabel(/^name$/i).fill(this.name);
    await this.page.getByLabel(/^email$/i).fill(this.email);
    await this.page.getByLabel(/^password$/i).fill(password);
    await this.page.getByLabel(/confirm password/i).fill(password);
    await this.page.getByRole("button", { name: /create account/i }).click();
    await this.page.waitForURL((url) => !url.pathname.startsWith("/register"));
  }

  async login(password = PASSWORD, email = this.email) {
    await this.page.goto("/login");
    await this.page.getByLabel(/^email$/i).fill(email);
    await this.page.getByLabel(/^password$/i).fill(password);
    await this.page.getByRole("button", { name: /^sign in$/i }).click();
  }

  async close() {
    await this.context.close();
  }
}

/** The first account of the e2e database (registered by the foundation story, which runs first). */
export const FIRST_ADMIN = { name: "Alice Admin", email: "alice.admin@example.com" };

/** Signs the first admin in, registering them when this file runs alone on a fresh database. */
export async function firstAdmin(browser: Browser) {
  const admin = await Person.create(browser, FIRST_ADMIN.name, "alice", FIRST_ADMIN.email);
  await admin.login();
  if (!(await admin.page.waitForURL(/\/(dashboard|admin)/, { timeout: 5_000 }).then(() => true, () => false))) {
    await admin.register();
  }
  await expect(admin.page).toHaveURL(/\/dashboard/);
  return admin;
}

/** A new user promoted to trader by the admin, signed in and on the dashboard. */
export async function newTrader(browser: Browser, admin: Person, name: string) {
  const trader = await Person.create(browser, name);
  await trader.register();
  await expect(trader.page).toHaveURL(/\/pending/);
  const users = new AdminUsersPage(admin.page);
  await users.open(trader.email);
  await users.setRole(trader.email, "Trader");
  await trader.page.goto("/dashboard");
  await expect(trader.page).toHaveURL(/\/dashboard$/);
  return trader;
}

export class AdminUsersPage {
  constructor(private readonly page: Page) {}

  async open(query?: string) {
    await this.page.goto(`/admin/users${query ? `?q=${encodeURIComponent(query)}` : ""}`);
    await expect(this.page.getByTestId("users-table")).toBeVisible();
  }

  row(email: string) {
    return this.page.locator(`[data-testid="user-row"][data-email="${email}"]`);
  }

  async setRole(email: string, role: "User" | "Trader" | "Admin" | "Disabled") {
    const row = this.row(email);
    await row.getByTestId("role-select").selectOption({ label: role });
    await row.getByTestId("apply-role").click();
    await expect(row.getByTestId("row-feedback").first()).toBeVisible();
  }

  async toggleDisabled(email: string) {
    await this.row(email).getByTestId("toggle-disabled").click();
    await this.page.getByTestId("confirm-toggle").click();
    await expect(this.row(email).getByTestId("row-feedback").last()).toBeVisible();
  }
}
