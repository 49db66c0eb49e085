import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { encode, type JWT } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { setSetting } from "@/db/queries/app-settings";
import { endedSessions, userDevices } from "@/db/schema";
import { createUser } from "@/lib/users";
import { resetEnvForTests } from "@/lib/env";
import { useTestDatabase } from "../helpers/test-db";

const SECRET = "sessions-test-secret-0123456789abcdefghijklmnop";
Object.assign(process.env, { AUTH_SECRET: SECRET, ENCRYPTION_KEY: "sessions-master-key-0123456789abcdefghijk" });
delete process.env.UPSTASH_REDIS_REST_URL;

vi.mock("next-intl/server", async () => {
  const { createTranslator } = await import("next-intl");
  const { default: messages } = await import("@/messages/en.json");
  return { getTranslations: async () => createTranslator({ locale: "en", messages }) };
});
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "vitest" }),
  cookies: async () => ({ get: () => undefined }),
}));
// The session the server components would read: set per test from a real token's claims.
const current: { session: unknown } = { session: null };
// (Auth.js's Next.js entry does not load under Vitest; its callbacks and events are tested directly.)
vi.mock("@/lib/auth/auth", () => ({ auth: async () => current.session, updateSession: async () => {} }));

const { authEvents } = await import("@/lib/auth/auth-events");
const { authConfig } = await import("@/lib/auth/auth.config");
const { getSessionState, requirePageUser, requireUser } = await import("@/lib/auth/session");
const { isSessionEnded } = await import("@/lib/auth/ended-sessions");
const { deviceForLogin, newDeviceSecret } = await import("@/lib/auth/devices");
const { confirmEnrolment, startEnrolment } = await import("@/lib/auth/two-factor");
const { default: middleware } = await import("@/middleware");

const testDb = useTestDatabase();
const COOKIE = "authjs.session-token";
const now = () => Math.floor(Date.now() / 1000);

beforeAll(() => resetEnvForTests());
afterEach(() => {
  current.session = null;
  vi.useRealTimers();
});

/** A signed-in user on a trusted device, with the token the sign-in would have written. */
async function signedIn(email: string, role = 2) {
  const user = await createUser({ name: "Ses Sion", email, passwordHash: "x", autoApprove: true });
  await testDb.db.update((await import("@/db/schema")).users).set({ role, emailVerifiedAt: new Date() }).where(eq((await import("@/db/schema")).users.id, user.id));
  const device = await deviceForLogin({ userId: user.id, secret: newDeviceSecret(), meta: { ip: null, userAgent: "vitest", country: "unknown" } });
  await testDb.db.update(userDevices).set({ status: "trusted" }).where(eq(userDevices.id, device.id));
  const token = (await authConfig.callbacks.jwt({
    token: {},
    user: { id: user.id, role, sessionVersion: user.sessionVersion, deviceId: device.id, deviceTrusted: true, emailIsVerified: true },
  } as never)) as JWT;
  return { userId: user.id, token };
}

/** What auth() answers for a token (the session callback of the real config). */
async function sessionFor(token: JWT) {
  const lapsed = await authConfig.callbacks.jwt({ token } as never);
  if (!lapsed) return null;
  return authConfig.callbacks.session({ session: { user: {}, expires: "" }, token } as never);
}

async function cookieFor(token: JWT) {
  return encode({ token, secret: SECRET, salt: COOKIE });
}

async function visit(path: string, token: JWT) {
  const request = new NextRequest(`http://127.0.0.1:3000${path}`, { headers: { cookie: `${COOKIE}=${await cookieFor(token)}` } });
  const response = await middleware(request);
  return { location: response.headers.get("location"), setCookie: response.headers.get("set-cookie") };
}

/** What Auth.js does at sign-out with the JWT strategy: decodes the cookie and emits the event. */
async function signOutWith(cookie: string) {
  const { decode } = await import("next-auth/jwt");
  const token = await decode({ token: cookie.slice(COOKIE.length + 1), secret: SECRET, salt: COOKIE });
  await authEvents.signOut({ token } as never);
}

describe("signing out ends the session on the server", () => {
  it("a cookie copied before sign-out no longer opens anything afterwards", async () => {
    const { userId, token } = await signedIn("copied@example.com");
    const cookie = `${COOKIE}=${await cookieFor(token)}`;
    current.session = await sessionFor(token);
    expect(await getSessionState()).toMatchObject({ status: "active", user: { id: userId } });

    await signOutWith(cookie);
    expect(await isSessionEnded(token.sid!)).toBe(true);
    const [row] = await testDb.db.select().from(endedSessions).where(eq(endedSessions.sessionId, token.sid!));
    expect(row?.userId).toBe(userId);
    // The same (copied) token, presented again.
    current.session = await sessionFor(token);
    expect(await getSessionState()).toEqual({ status: "ended", reason: "revoked" });
    await expect(requireUser("dashboard.view")).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("other sessions of the same user go on", async () => {
    const first = await signedIn("two-sessions@example.com");
    const second = { ...first.token, sid: crypto.randomUUID() };
    await signOutWith(`${COOKIE}=${await cookieFor(first.token)}`);
    current.session = await sessionFor(second);
    expect(await getSessionState()).toMatchObject({ status: "active" });
  });

  it("a token without a session id (from before this change) is ended", async () => {
    const { token } = await signedIn("no-sid@example.com");
    current.session = await sessionFor({ ...token, sid: undefined });
    expect(await getSessionState()).toEqual({ status: "ended", reason: "revoked" });
  });
});

describe("idle and absolute session limits", () => {
  it("a session idle for more than 30 minutes is ended by the middleware and by the server", async () => {
    const { token } = await signedIn("idle@example.com");
    expect((await visit("/dashboard", token)).location).toBeNull();
    const idle = { ...token, la: now() - 31 * 60 };
    expect((await visit("/dashboard", idle)).location).toMatch(/\/api\/session\/end\?reason=idle$/);
    // Behind the middleware, auth() has no session for it.
    expect(await sessionFor(idle)).toBeNull();
    // "Keep me signed in" has no idle limit.
    expect((await visit("/dashboard", { ...idle, rm: true })).location).toBeNull();
    // On the sign-in page a lapsed session counts as none (no redirect loop to the dashboard).
    expect((await visit("/login", idle)).location).toBeNull();
  });

  it("activity moves the idle clock forward (at most once a minute)", async () => {
    const { token } = await signedIn("active@example.com");
    const recent = await visit("/dashboard", { ...token, la: now() - 10 });
    expect(recent.setCookie).toBeNull();
    const older = await visit("/dashboard", { ...token, la: now() - 20 * 60 });
    expect(older.setCookie).toContain(`${COOKIE}=`);
    const { decode } = await import("next-auth/jwt");
    const written = older.setCookie!.split(";")[0]!.slice(COOKIE.length + 1);
    const renewed = await decode({ token: written, secret: SECRET, salt: COOKIE });
    expect(renewed?.la).toBeGreaterThanOrEqual(now() - 5);
    expect(renewed?.sid).toBe(token.sid);
  });

  it("ends sessions past 12 hours, or 30 days when kept signed in; the limits are configurable", async () => {
    const { token } = await signedIn("absolute@example.com");
    const old = { ...token, st: now() - 13 * 3600, la: now() - 10 };
    expect((await visit("/dashboard", old)).location).toMatch(/reason=expired$/);
    expect((await visit("/dashboard", { ...old, rm: true })).location).toBeNull();
    expect((await visit("/dashboard", { ...old, rm: true, st: now() - 31 * 86400 })).location).toMatch(/reason=expired$/);
    process.env.SESSION_IDLE_MINUTES = "5";
    try {
      expect((await visit("/dashboard", { ...token, la: now() - 6 * 60 })).location).toMatch(/reason=idle$/);
    } finally {
      delete process.env.SESSION_IDLE_MINUTES;
    }
  });
});

describe("admins the platform requires 2FA of", () => {
  it("reach only the 2FA set-up until enrolled: middleware, pages and actions", async () => {
    const { userId, token } = await signedIn("admin-2fa@example.com", 3);
    await setSetting("require_2fa_admins", true, userId);
    current.session = await sessionFor(token);
    // The token does not know yet: it is rewritten first (stale), then every gate applies.
    expect(await getSessionState()).toMatchObject({ status: "stale" });
    const marked = { ...token, tfs: true };
    current.session = await sessionFor(marked);
    expect(await getSessionState()).toMatchObject({ status: "active", twoFactorSetup: true });
    await expect(requireUser("users.manage")).rejects.toMatchObject({ code: "two_factor_required" });
    await expect(requireUser("dashboard.view")).rejects.toMatchObject({ code: "two_factor_required" });
    await expect(requireUser("security.manage")).resolves.toMatchObject({ id: userId });
    await expect(requirePageUser("admin.view", "/admin")).rejects.toMatchObject({ digest: expect.stringContaining("/dashboard/settings/two-factor") });
    await expect(requirePageUser("security.manage", "/dashboard/settings/two-factor")).resolves.toMatchObject({ id: userId });

    expect((await visit("/admin/users", marked)).location).toMatch(/\/dashboard\/settings\/two-factor$/);
    expect((await visit("/dashboard", marked)).location).toMatch(/\/dashboard\/settings\/two-factor$/);
    expect((await visit("/dashboard/settings/two-factor", marked)).location).toBeNull();

    // Enrolled: everything opens again (after the token is rewritten without the mark).
    const started = await startEnrolment(userId, "admin-2fa@example.com");
    if (!started.ok) throw new Error("enrolment did not start");
    const { generate } = await import("otplib");
    expect((await confirmEnrolment(userId, await generate({ secret: started.secret }))).ok).toBe(true);
    // (Enrolling bumped the session version; this session was carried over to it.)
    current.session = await sessionFor({ ...marked, sv: token.sv! + 1 });
    expect(await getSessionState()).toMatchObject({ status: "stale" });
    current.session = await sessionFor({ ...token, tfs: false, sv: token.sv! + 1 });
    await expect(requireUser("users.manage")).resolves.toMatchObject({ id: userId });
    await setSetting("require_2fa_admins", false, userId);
  });

  it("traders are not affected by the admin setting", async () => {
    const { userId, token } = await signedIn("trader-2fa@example.com", 2);
    await setSetting("require_2fa_admins", true, userId);
    try {
      current.session = await sessionFor(token);
      await expect(requireUser("trading.manage")).resolves.toMatchObject({ id: userId });
    } finally {
      await setSetting("require_2fa_admins", false, userId);
    }
  });
});

describe("step-up: a recent password for money and control actions", () => {
  it("turning trading back on after 'stop everything' needs a password from the last 10 minutes", async () => {
    const { tradingSwitchAction } = await import("@/app/(dashboard)/dashboard/strategies/actions");
    const { users } = await import("@/db/schema");
    const { userId, token } = await signedIn("stepup-switch@example.com");
    await testDb.db.update(users).set({ tradingEnabled: false, tradingKeepsExits: false }).where(eq(users.id, userId));
    const form = new FormData();
    form.set("enabled", "true");
    current.session = await sessionFor({ ...token, at: now() - 11 * 60 });
    expect(await tradingSwitchAction({}, form)).toMatchObject({ reauth: true });
    const [still] = await testDb.db.select().from(users).where(eq(users.id, userId));
    expect(still?.tradingEnabled).toBe(false);
    current.session = await sessionFor({ ...token, at: now() - 60 });
    expect(await tradingSwitchAction({}, form)).toMatchObject({ ok: true });
    const [on] = await testDb.db.select().from(users).where(eq(users.id, userId));
    expect(on?.tradingEnabled).toBe(true);
  });

  it("adding exchange keys needs it too", async () => {
    const { addAccountAction } = await import("@/app/(dashboard)/dashboard/accounts/actions");
    const { userId, token } = await signedIn("stepup-keys@example.com");
    current.session = await sessionFor({ ...token, at: now() - 11 * 60 });
    const form = new FormData();
    for (const [k, v] of Object.entries({ exchange: "paper", label: "Paper", spot: "on", startingBalance: "1000", feePercent: "0.1", slippageBps: "5" })) form.set(k, v);
    expect(await addAccountAction({}, form)).toMatchObject({ reauth: true });
    const { exchangeAccounts } = await import("@/db/schema");
    expect(await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.userId, userId))).toHaveLength(0);
  });

  it("the dialog's password check counts towards the lockout, and its proof is bound to the session", async () => {
    const { reauthenticate } = await import("@/lib/auth/reauthenticate");
    const { hashPassword } = await import("@/lib/auth/password");
    const { isRecentAuthProof, recentAuthProof } = await import("@/lib/auth/fresh-token");
    const { users } = await import("@/db/schema");
    const { userId, token } = await signedIn("stepup-dialog@example.com");
    await testDb.db.update(users).set({ passwordHash: await hashPassword("the-right-password") }).where(eq(users.id, userId));
    const meta = { ip: null, userAgent: "vitest" };
    expect(await reauthenticate({ userId, password: "a-wrong-password", code: "", meta })).toBe("invalid");
    expect((await testDb.db.select().from(users).where(eq(users.id, userId)))[0]?.failedLogins).toBe(1);
    expect(await reauthenticate({ userId, password: "the-right-password", code: "", meta })).toBe("ok");
    expect((await testDb.db.select().from(users).where(eq(users.id, userId)))[0]?.failedLogins).toBe(0);

    const proof = recentAuthProof(userId, token.sid!);
    expect(isRecentAuthProof(proof, userId, token.sid!)).toBe(true);
    expect(isRecentAuthProof(proof, userId, crypto.randomUUID())).toBe(false);
    expect(isRecentAuthProof(recentAuthProof(userId, token.sid!, now() - 120), userId, token.sid!)).toBe(false);
    expect(isRecentAuthProof("123.forged", userId, token.sid!)).toBe(false);
  });
});
