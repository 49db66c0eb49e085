import { expect, type Browser, type BrowserContext, type Locator, type Page } from "@playwright/test";

export const PASSWORD = "correct-horse-battery";

export function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

/** Reads the newest email of a kind for an address from the dev mailbox and returns its first link (path and query). */
export async function mailLink(page: Page, to: string, kind: string, which: "first" | "last" = "first") {
  let link = "";
  await expect(async () => {
    await page.goto(`/dev/mailbox?to=${encodeURIComponent(to)}`);
    const mail = page.locator(`[data-testid="mail-item"][data-kind="${kind}"]`).first();
    await expect(mail).toBeVisible({ timeout: 1_000 });
    const text = (await mail.getByTestId("mail-text").textContent()) ?? "";
    const links = text.match(/https?:\/\/\S+/g) ?? [];
    link = (which === "first" ? links[0] : links[links.length - 1]) ?? "";
    expect(link).not.toBe("");
  }).toPass({ timeout: 15_000 });
  return new URL(link).pathname + new URL(link).search;
}

/** How many emails of a kind an address has received. */
export async function mailCount(page: Page, to: string, kind: string) {
  await page.goto(`/dev/mailbox?to=${encodeURIComponent(to)}`);
  return page.locator(`[data-testid="mail-item"][data-kind="${kind}"]`).count();
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

  /** Registers and, unless told not to, confirms the address with the emailed link (which trusts this browser). */
  async register(password = PASSWORD, { verify = true } = {}) {
    await this.page.goto("/register");
    await this.page.getByLabel(/^name$/i).fill(this.name);
    await this.page.getByLabel(/^email$/i).fill(this.email);
    await this.page.getByLabel(/^password$/i).fill(password);
    await this.page.getByLabel(/confirm password/i).fill(password);
    await this.page.getByRole("button", { name: /create account/i }).click();
    await this.page.waitForURL(/\/verify-email$/);
    if (verify) await this.verifyEmail();
  }

  async verifyEmail() {
    await this.page.goto(await mailLink(this.page, this.email, "verify_email"));
    await this.page.getByTestId("confirm-email").click();
    await this.page.getByTestId("verified-continue").click();
    await this.page.waitForURL((url) => !/^\/(verify-email|api\/)/.test(url.pathname));
  }

  /** Answers the newest "was this you?" email for this browser with Yes, then goes where the sign-in was heading. */
  async confirmThisDevice(next = "/dashboard") {
    // The sign-in must have landed (and stored its session cookie) before this page goes elsewhere.
    await this.page.waitForURL(/\/confirm-device$/);
    // The email may still be on its way: until it is, the newest one is an older, answered link.
    await expect(async () => {
      await this.page.goto(await mailLink(this.page, this.email, "new_device"));
      await this.page.getByTestId("device-yes").click({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(this.page.getByTestId("device-answered")).toHaveAttribute("data-answer", "yes");
    await this.page.goto(next);
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

/**
 * The e2e admin: ADMIN_EMAIL in scripts/e2e-server.sh, made admin when it verifies its address on the
 * fresh database (registered by the foundation story, which runs first).
 */
export const FIRST_ADMIN = { name: "Alice Admin", email: "alice.admin@example.com" };

/** Signs the first admin in, registering them when this file runs alone on a fresh database. */
export async function firstAdmin(browser: Browser) {
  const admin = await Person.create(browser, FIRST_ADMIN.name, "alice", FIRST_ADMIN.email);
  await admin.login();
  // Generous: on a loaded machine a sign-in can take several seconds, and taking the register branch then fails.
  const landed = await admin.page.waitForURL(/\/(dashboard|admin|confirm-device)/, { timeout: 20_000 }).then(() => true, () => false);
  if (!landed) await admin.register();
  // A new browser context is a new device: the admin confirms it from the email.
  else if (new URL(admin.page.url()).pathname === "/confirm-device") await admin.confirmThisDevice();
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

  /** Applies a role and waits for the server action's answer (a feedback line left by an earlier change on the row would not tell). */
  async setRole(email: string, role: "User" | "Trader" | "Admin" | "Disabled") {
    const row = this.row(email);
    await row.getByTestId("role-select").selectOption({ label: role });
    const answered = this.page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/admin/users");
    await row.getByTestId("apply-role").click();
    await answered;
    await expect(row.getByTestId("row-feedback").first()).toBeVisible();
  }

  async toggleDisabled(email: string) {
    await this.row(email).getByTestId("toggle-disabled").click();
    await this.page.getByTestId("confirm-toggle").click();
    await expect(this.row(email).getByTestId("row-feedback").last()).toBeVisible();
  }
}

const SESSION_COOKIE = "authjs.session-token";
// The e2e server's secret (scripts/e2e-server.sh): lets a test move a session's clock instead of waiting.
const E2E_AUTH_SECRET = process.env.E2E_AUTH_SECRET ?? "e2e-auth-secret-0123456789abcdefghijklmnopqrstuvwxyz";

/** The browser's session cookie value, as someone copying it would take it. */
export async function sessionCookie(context: BrowserContext) {
  const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error("no session cookie");
  return cookie;
}

/** Rewrites claims of the browser's session token (e.g. its last activity), signed as the server would. */
export async function editSessionToken(context: BrowserContext, edit: (claims: Record<string, unknown>) => Record<string, unknown>) {
  const { decode, encode } = await import("next-auth/jwt");
  const cookie = await sessionCookie(context);
  const claims = await decode({ token: cookie.value, secret: E2E_AUTH_SECRET, salt: SESSION_COOKIE });
  if (!claims) throw new Error("session token not readable");
  const value = await encode({ token: edit(claims as Record<string, unknown>), secret: E2E_AUTH_SECRET, salt: SESSION_COOKIE });
  await context.addCookies([{ ...cookie, value }]);
}

/**
 * Checks a radio drawn as a tile (the input itself is sr-only: checking it directly can meet it mid-render
 * and fail as "not visible") by clicking its label until the radio is checked.
 */
export async function checkTile(radio: Locator) {
  await expect(async () => {
    await radio.locator("xpath=ancestor::label[1]").click();
    await expect(radio).toBeChecked({ timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
}

/** Picks an exchange on the add-account form. */
export async function chooseExchange(page: Page, id: "binance" | "bybit" | "okx" | "bitget" | "paper") {
  await checkTile(page.getByTestId(`exchange-${id}`));
}
