import { beforeAll, describe, expect, it, vi } from "vitest";
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { createTranslator } from "next-intl";
import en from "@/messages/en.json";
import enEmail from "@/messages/en.email.json";
import { auditLog, authTokens, devMailbox, users } from "@/db/schema";
import { createUser } from "@/lib/users";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { consumeToken, issueToken, peekToken, TOKEN_KINDS } from "@/lib/auth/tokens";
import { resetEnvForTests } from "@/lib/env";
import { useTestDatabase } from "../helpers/test-db";

// The server actions run as in Next.js: request headers, translations (with the email bundle merged,
// as the app will) and `after()` supplied here. The Host header is hostile: links must not use it.
const deferred = vi.hoisted(() => ({ tasks: [] as Promise<unknown>[] }));
vi.mock("next/server", () => ({ after: (task: () => Promise<unknown>) => void deferred.tasks.push(task()) }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.20", host: "attacker.example", "user-agent": "vitest" }),
}));
vi.mock("next-intl/server", () => ({ getTranslations: async () => createTranslator({ locale: "en", messages: { ...en, ...enEmail } }) }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
// Public actions need no session; this keeps next-auth (and its next/server import) out of the test.
vi.mock("@/lib/auth/auth", () => ({ auth: async () => null }));

const { forgotPasswordAction } = await import("@/app/(auth)/forgot-password/actions");
const { resetPasswordAction } = await import("@/app/(auth)/reset-password/actions");
const { requestPasswordReset, resetPassword, RESET_EMAILS_PER_WINDOW } = await import("@/lib/auth/password-reset");

const testDb = useTestDatabase();
const OLD = "old-password-0001";
const NEW = "brand-new-password-0002";
const BASE = "https://app.example.test";

beforeAll(() => {
  Object.assign(process.env, {
    AUTH_SECRET: "reset-auth-secret-0123456789abcdefghijkl",
    ENCRYPTION_KEY: "reset-master-key-0123456789abcdefghijklm",
    AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    APP_URL: BASE,
  });
  delete process.env.RESEND_API_KEY;
  resetEnvForTests();
});

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

async function makeUser(email: string) {
  const user = await createUser({ name: email.split("@")[0]!, email, passwordHash: await hashPassword(OLD), autoApprove: true });
  return user.id;
}

async function userRow(id: string) {
  const [row] = await testDb.db.select().from(users).where(eq(users.id, id));
  return row!;
}

async function mailsTo(email: string) {
  return testDb.db.select().from(devMailbox).where(eq(devMailbox.to, email));
}

async function latestResetToken(email: string): Promise<string> {
  const mails = (await mailsTo(email)).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const match = mails[0]?.text.match(/\/reset-password\?token=([A-Za-z0-9_-]{43})/);
  if (!match?.[1]) throw new Error(`no reset link mailed to ${email}`);
  return match[1];
}

async function flushDeferred() {
  const tasks = deferred.tasks.splice(0);
  await Promise.all(tasks);
}

describe("one-time tokens", () => {
  let userId = "";
  beforeAll(async () => {
    userId = await makeUser("tokens@example.com");
  });

  it("stores only the sha256 of a 32-byte base64url token", async () => {
    const token = await issueToken({ userId, kind: "test", ttlMinutes: 10, meta: { purpose: "x" } });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await testDb.db.select().from(authTokens).where(eq(authTokens.userId, userId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
  });

  it("peeks without consuming, then works exactly once", async () => {
    const token = await issueToken({ userId, kind: "test", ttlMinutes: 10, meta: { device: "d1" } });
    expect(await peekToken({ token, kind: "test" })).toEqual({ ok: true, userId, meta: { device: "d1" } });
    expect(await peekToken({ token, kind: "test" })).toMatchObject({ ok: true });
    expect(await consumeToken({ token, kind: "test" })).toEqual({ ok: true, userId, meta: { device: "d1" } });
    expect(await consumeToken({ token, kind: "test" })).toEqual({ ok: false, reason: "used" });
    expect(await peekToken({ token, kind: "test" })).toEqual({ ok: false, reason: "used" });
  });

  it("refuses an expired token, a made-up one and one of another kind", async () => {
    const token = await issueToken({ userId, kind: "test", ttlMinutes: 30 });
    await testDb.db
      .update(authTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(authTokens.tokenHash, createHash("sha256").update(token).digest("hex")));
    expect(await peekToken({ token, kind: "test" })).toEqual({ ok: false, reason: "expired" });
    expect(await consumeToken({ token, kind: "test" })).toEqual({ ok: false, reason: "expired" });

    const other = await issueToken({ userId, kind: "test", ttlMinutes: 30 });
    expect(await consumeToken({ token: other, kind: TOKEN_KINDS.passwordReset })).toEqual({ ok: false, reason: "invalid" });
    expect(await consumeToken({ token: "A".repeat(43), kind: "test" })).toEqual({ ok: false, reason: "invalid" });
    expect(await consumeToken({ token: "not a token", kind: "test" })).toEqual({ ok: false, reason: "invalid" });
    expect(await consumeToken({ token: other, kind: "test" })).toMatchObject({ ok: true });
  });

  it("lets exactly one of concurrent consumers succeed", async () => {
    const token = await issueToken({ userId, kind: "test", ttlMinutes: 10 });
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeToken({ token, kind: "test" })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === "used")).toBe(true);
  });
});

describe("password reset", () => {
  it("mails a 30-minute link, then changes the hash, ends sessions and clears the lockout", async () => {
    const id = await makeUser("reset@example.com");
    await testDb.db.update(users).set({ failedLogins: 3, lockedUntil: new Date(Date.now() + 20 * 60_000) }).where(eq(users.id, id));
    const before = await userRow(id);

    await requestPasswordReset({ email: "RESET@example.com", ip: "198.51.100.1" });
    const [mail] = await mailsTo("reset@example.com");
    expect(mail!.kind).toBe("password_reset");
    expect(mail!.text).toContain(`${BASE}/reset-password?token=`);
    expect(mail!.text).toContain("30 minutes");
    const token = await latestResetToken("reset@example.com");
    const [stored] = await testDb.db.select().from(authTokens).where(eq(authTokens.userId, id));
    const ttl = stored!.expiresAt.getTime() - stored!.createdAt.getTime();
    expect(Math.abs(ttl - 30 * 60_000)).toBeLessThan(5_000);

    expect(await resetPassword({ token, password: NEW, ip: "198.51.100.1" })).toEqual({ ok: true, userId: id });
    const after = await userRow(id);
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect(after.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(after.passwordHash, NEW)).toBe(true);
    expect(await verifyPassword(after.passwordHash, OLD)).toBe(false);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(after.failedLogins).toBe(0);
    expect(after.lockedUntil).toBeNull();

    const actions = (await testDb.db.select().from(auditLog).where(eq(auditLog.userId, id))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["password.reset_requested", "password.reset"]));
    // The link is spent.
    expect(await resetPassword({ token, password: "yet-another-password-3" })).toEqual({ ok: false, reason: "used" });
    expect(await verifyPassword((await userRow(id)).passwordHash, NEW)).toBe(true);
  });

  it("voids the other outstanding reset links once one is used", async () => {
    const id = await makeUser("two-links@example.com");
    await requestPasswordReset({ email: "two-links@example.com" });
    const first = await latestResetToken("two-links@example.com");
    await new Promise((r) => setTimeout(r, 5));
    await requestPasswordReset({ email: "two-links@example.com" });
    const second = await latestResetToken("two-links@example.com");
    expect(second).not.toBe(first);
    expect(await resetPassword({ token: second, password: NEW })).toMatchObject({ ok: true, userId: id });
    expect(await resetPassword({ token: first, password: NEW })).toEqual({ ok: false, reason: "used" });
  });

  it("lets exactly one of two concurrent resets with the same link through", async () => {
    const id = await makeUser("race@example.com");
    await requestPasswordReset({ email: "race@example.com" });
    const token = await latestResetToken("race@example.com");
    const results = await Promise.all([
      resetPassword({ token, password: "racer-one-password" }),
      resetPassword({ token, password: "racer-two-password" }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((await userRow(id)).sessionVersion).toBe(1);
    const resets = await testDb.db.select().from(auditLog).where(and(eq(auditLog.userId, id), eq(auditLog.action, "password.reset")));
    expect(resets).toHaveLength(1);
  });

  it("refuses an expired link", async () => {
    const id = await makeUser("late@example.com");
    await requestPasswordReset({ email: "late@example.com" });
    const token = await latestResetToken("late@example.com");
    await testDb.db.update(authTokens).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(authTokens.userId, id));
    expect(await resetPassword({ token, password: NEW })).toEqual({ ok: false, reason: "expired" });
    expect(await verifyPassword((await userRow(id)).passwordHash, OLD)).toBe(true);
  });

  it("sends no email to a disabled account and limits emails per account", async () => {
    const disabled = await makeUser("disabled@example.com");
    await testDb.db.update(users).set({ disabled: true }).where(eq(users.id, disabled));
    await requestPasswordReset({ email: "disabled@example.com" });
    expect(await mailsTo("disabled@example.com")).toHaveLength(0);

    await makeUser("flood@example.com");
    for (let i = 0; i < RESET_EMAILS_PER_WINDOW + 2; i++) await requestPasswordReset({ email: "flood@example.com" });
    expect(await mailsTo("flood@example.com")).toHaveLength(RESET_EMAILS_PER_WINDOW);
  });
});

describe("password reset server actions", () => {
  it("answers an unknown email exactly like a known one, and mails only the known one", async () => {
    await makeUser("known@example.com");
    const known = await forgotPasswordAction({}, form({ email: "known@example.com" }));
    const unknown = await forgotPasswordAction({}, form({ email: "nobody@example.com" }));
    await flushDeferred();
    expect(known).toEqual({ ok: true, message: "If an account exists for that address, we sent a link to reset the password. Check your inbox; the link expires in 30 minutes." });
    expect(unknown).toEqual(known);
    expect(await mailsTo("nobody@example.com")).toHaveLength(0);
    const [mail] = await mailsTo("known@example.com");
    // The link uses APP_URL, never the request's (forged) Host header.
    expect(mail!.text).toContain(`${BASE}/reset-password?token=`);
    expect(mail!.text).not.toContain("attacker.example");
  });

  it("validates the email field", async () => {
    const result = await forgotPasswordAction({}, form({ email: "not-an-email" }));
    expect(result.errors?.email).toEqual(["Enter a valid email address, like name@example.com."]);
  });

  it("applies the registration password rules, then resets and reports it", async () => {
    const id = await makeUser("action@example.com");
    await forgotPasswordAction({}, form({ email: "action@example.com" }));
    await flushDeferred();
    const token = await latestResetToken("action@example.com");

    const short = await resetPasswordAction({}, form({ token, password: "short", confirmPassword: "short" }));
    expect(short.errors?.password).toEqual(["Use at least 10 characters."]);
    const mismatch = await resetPasswordAction({}, form({ token, password: NEW, confirmPassword: `${NEW}x` }));
    expect(mismatch.errors?.confirmPassword).toEqual(["The passwords do not match."]);
    expect(JSON.stringify(mismatch)).not.toContain(token);

    const done = await resetPasswordAction({}, form({ token, password: NEW, confirmPassword: NEW }));
    expect(done).toEqual({ ok: true, message: "Password changed — sign in with your new password." });
    expect(await verifyPassword((await userRow(id)).passwordHash, NEW)).toBe(true);
    const again = await resetPasswordAction({}, form({ token, password: NEW, confirmPassword: NEW }));
    expect(again).toMatchObject({ ok: false, message: expect.stringContaining("already been used") });
    const bogus = await resetPasswordAction({}, form({ token: "bogus", password: NEW, confirmPassword: NEW }));
    expect(bogus).toMatchObject({ ok: false, message: "This link is not valid — request a new one." });
  });
});
