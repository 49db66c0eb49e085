import { expect, test, type Request } from "@playwright/test";
import { AdminUsersPage, FIRST_ADMIN, PASSWORD, Person } from "./support";

// One story on a fresh database: the ADMIN_EMAIL account (scripts/e2e-server.sh) becomes admin when it
// verifies its address; later ones wait for approval.
test.describe.serial("foundation: registration, roles, admin", () => {
  let admin: Person;
  let bob: Person;
  let carol: Person;
  let promoteBobRequest: { url: string; headers: Record<string, string>; body: Buffer } | undefined;

  test.beforeAll(async ({ browser }) => {
    admin = await Person.create(browser, FIRST_ADMIN.name, "alice", FIRST_ADMIN.email);
    bob = await Person.create(browser, "Bob Trader", "bob");
    carol = await Person.create(browser, "Carol Second", "carol");
  });

  test.afterAll(async () => {
    await Promise.all([admin, bob, carol].map((p) => p?.close()));
  });

  test("the ADMIN_EMAIL account becomes admin once its address is verified, and reaches the dashboard", async () => {
    await admin.register();
    await expect(admin.page).toHaveURL(/\/dashboard$/);
    await expect(admin.page.getByRole("heading", { name: "Welcome, Alice Admin" })).toBeVisible();
    await expect(admin.page.getByTestId("user-name")).toHaveText("Alice Admin");
    await admin.page.goto("/admin/users");
    await expect(new AdminUsersPage(admin.page).row(admin.email)).toContainText("you");
  });

  test("a second user waits for approval and cannot open the dashboard or admin by URL", async () => {
    await bob.register();
    await expect(bob.page).toHaveURL(/\/pending$/);
    await expect(bob.page.getByTestId("pending-approval")).toContainText("Waiting for approval");
    for (const path of ["/dashboard", "/dashboard/orders", "/admin", "/admin/users"]) {
      await bob.page.goto(path);
      await expect(bob.page).toHaveURL(/\/pending(\?next=.*)?$/);
      await expect(bob.page.getByTestId("pending-approval")).toBeVisible();
    }
  });

  test("the admin promotes the user to trader and they reach the dashboard", async () => {
    const users = new AdminUsersPage(admin.page);
    await users.open();
    // The role form's own action: the notification bell polls through a server action too.
    const captured = admin.page.waitForRequest(
      (r: Request) => r.method() === "POST" && Boolean(r.headers()["next-action"]) && /role/.test(r.postData() ?? ""),
    );
    await users.setRole(bob.email, "Trader");
    const request = await captured;
    promoteBobRequest = { url: request.url(), headers: await request.allHeaders(), body: request.postDataBuffer() ?? Buffer.alloc(0) };
    await expect(users.row(bob.email).getByTestId("row-feedback")).toContainText("Bob Trader is now Trader");

    await bob.page.goto("/dashboard");
    await expect(bob.page).toHaveURL(/\/dashboard$/);
    await expect(bob.page.getByRole("heading", { name: "Welcome, Bob Trader" })).toBeVisible();
    // A trader is not an admin.
    await bob.page.goto("/admin/users");
    await expect(bob.page).toHaveURL(/\/dashboard$/);
  });

  test("a direct POST to the admin server action is refused on the server", async () => {
    // Carol becomes an admin, signs in, then is demoted: her token still says admin, the database does not.
    await carol.register();
    const users = new AdminUsersPage(admin.page);
    await users.open();
    await users.setRole(carol.email, "Admin");
    await carol.page.goto("/admin/users");
    await expect(carol.page).toHaveURL(/\/admin\/users$/);
    await users.setRole(bob.email, "User");
    await users.setRole(carol.email, "User");

    // Carol replays the admin's "make Bob a trader" action with her own (stale) session cookie.
    expect(promoteBobRequest).toBeDefined();
    const { url, headers, body } = promoteBobRequest!;
    const replay = await carol.context.request.post(url, {
      headers: { ...Object.fromEntries(Object.entries(headers).filter(([k]) => !["cookie", "content-length"].includes(k))) },
      data: body,
      maxRedirects: 0,
    });
    expect(replay.status()).toBeLessThan(500);
    expect(await replay.text()).toContain("You do not have permission to do this.");

    // A pending user posting the same action never gets past the gate.
    const bobReplay = await bob.context.request.post(url, {
      headers: { ...Object.fromEntries(Object.entries(headers).filter(([k]) => !["cookie", "content-length"].includes(k))) },
      data: body,
      maxRedirects: 0,
    });
    expect([303, 307, 308]).toContain(bobReplay.status());

    await users.open();
    await expect(users.row(bob.email).getByTestId("role-select")).toHaveValue("1");
    // Carol's next page load follows the database: she is back to waiting for approval.
    await carol.page.goto("/admin/users");
    await expect(carol.page).toHaveURL(/\/pending(\?|$)/);
  });

  test("a disabled user is signed out on their next request", async () => {
    const users = new AdminUsersPage(admin.page);
    await users.open();
    await users.setRole(bob.email, "Trader");
    await bob.page.goto("/dashboard");
    await expect(bob.page).toHaveURL(/\/dashboard$/);

    await users.toggleDisabled(bob.email);
    await expect(users.row(bob.email).getByTestId("user-status")).toHaveText("Disabled");

    await bob.page.goto("/dashboard/strategies");
    await expect(bob.page).toHaveURL(/\/login\?error=disabled/);
    await expect(bob.page.getByTestId("form-message")).toContainText("disabled");
    await bob.login();
    await expect(bob.page.getByTestId("form-message")).toContainText("This account has been disabled");
    await expect(bob.page).toHaveURL(/\/login/);
  });

  test("the last admin cannot be demoted or disabled", async () => {
    const users = new AdminUsersPage(admin.page);
    await users.open();
    await users.setRole(admin.email, "User");
    await expect(users.row(admin.email).getByTestId("row-feedback")).toContainText("last active admin");
    await users.open();
    await expect(users.row(admin.email).getByTestId("role-select")).toHaveValue("3");
  });

  test("wrong password and unknown email give the same message", async ({ browser }) => {
    const stranger = await Person.create(browser, "Stranger");
    await stranger.login("not-the-password-at-all", admin.email);
    const wrongPassword = await stranger.page.getByTestId("form-message").textContent();
    await stranger.login(PASSWORD, "nobody-here@example.com");
    const unknownEmail = await stranger.page.getByTestId("form-message").textContent();
    expect(wrongPassword).toBe("The email or password is incorrect.");
    expect(unknownEmail).toBe(wrongPassword);
    await stranger.close();
  });

  test("switching to Russian changes the UI and is remembered", async () => {
    await admin.page.goto("/dashboard");
    await admin.page.getByTestId("language-switcher").first().selectOption("ru");
    await expect(admin.page.getByRole("heading", { name: "Добро пожаловать, Alice Admin" })).toBeVisible();
    await admin.page.reload();
    await expect(admin.page.getByRole("link", { name: "Стратегии" }).first()).toBeVisible();
    await expect(admin.page.locator("html")).toHaveAttribute("lang", "ru");
    await admin.page.getByTestId("language-switcher").first().selectOption("en");
    await expect(admin.page.getByRole("heading", { name: "Welcome, Alice Admin" })).toBeVisible();
  });

  test("switching to Ukrainian changes the UI and is remembered", async () => {
    await admin.page.goto("/dashboard");
    const switcher = admin.page.getByTestId("language-switcher").first();
    await expect(switcher.getByRole("option", { name: "Українська" })).toBeAttached();
    await switcher.selectOption("uk");
    await expect(admin.page.getByRole("heading", { name: "Вітаємо, Alice Admin" })).toBeVisible();
    await admin.page.reload();
    await expect(admin.page.locator("html")).toHaveAttribute("lang", "uk");
    await expect(admin.page.getByRole("link", { name: "Стратегії" }).first()).toBeVisible();
    await expect(admin.page.getByTestId("getting-started")).toContainText("Під’єднайте біржовий рахунок");
    // Ukrainian runs longer than English: on a phone the dashboard still must not scroll sideways.
    await admin.page.setViewportSize({ width: 390, height: 844 });
    await admin.page.reload();
    await expect(admin.page.getByRole("heading", { name: "Вітаємо, Alice Admin" })).toBeVisible();
    const { scroll, inner } = await admin.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(scroll).toBeLessThanOrEqual(inner);
    await admin.page.screenshot({ path: "screenshots/dashboard-phone-uk.png", fullPage: true });
    await admin.page.setViewportSize({ width: 1280, height: 800 });
    await admin.page.getByTestId("language-switcher").first().selectOption("en");
    await expect(admin.page.getByRole("heading", { name: "Welcome, Alice Admin" })).toBeVisible();
  });

  test("screenshots of login, dashboard and admin users in every language, and on a phone", async ({ browser, baseURL }) => {
    const shots = "screenshots";
    const visitor = await browser.newContext();
    const page = await visitor.newPage();
    for (const locale of ["en", "ru", "uk"] as const) {
      await visitor.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      await page.goto("/login");
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await page.screenshot({ path: `${shots}/login-${locale}.png`, fullPage: true });

      await admin.context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL! }]);
      await admin.page.goto("/dashboard");
      await expect(admin.page.getByTestId("getting-started")).toBeVisible();
      await admin.page.screenshot({ path: `${shots}/dashboard-${locale}.png`, fullPage: true });
      await admin.page.goto("/dashboard/strategies");
      await expect(admin.page.getByTestId("empty-state")).toBeVisible();
      await admin.page.screenshot({ path: `${shots}/strategies-empty-${locale}.png`, fullPage: true });
      await admin.page.goto("/admin/users");
      await expect(admin.page.getByTestId("users-table")).toBeVisible();
      await admin.page.screenshot({ path: `${shots}/admin-users-${locale}.png`, fullPage: true });
    }
    await admin.context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: baseURL! }]);
    await visitor.close();

    // On a phone the navigation collapses behind a menu button.
    await admin.page.setViewportSize({ width: 390, height: 844 });
    await admin.page.goto("/dashboard");
    await expect(admin.page.getByRole("navigation", { name: "Trading" })).toBeHidden();
    await admin.page.getByTestId("mobile-nav-trigger").click();
    await expect(admin.page.getByRole("dialog").getByRole("link", { name: "Orders" })).toBeVisible();
    await admin.page.screenshot({ path: `${shots}/dashboard-phone-menu-en.png` });
    await admin.page.getByRole("dialog").getByRole("link", { name: "Orders" }).click();
    await expect(admin.page).toHaveURL(/\/dashboard\/orders$/);
    await expect(admin.page.getByRole("dialog")).toBeHidden();
    await admin.page.screenshot({ path: `${shots}/orders-phone-en.png`, fullPage: true });
    await admin.page.setViewportSize({ width: 1280, height: 800 });
  });
});
