import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, devMailbox, users } from "@/db/schema";
import { createUser } from "@/lib/users";
import { AccountThrottled, authorizeCredentials } from "@/lib/auth/credentials";
import { hashPassword } from "@/lib/auth/password";
import { checkAuthRateLimit } from "@/lib/auth/rate-limit";
import { resetEnvForTests } from "@/lib/env";
import { useTestDatabase } from "../helpers/test-db";

/** Starts `count` wrong sign-ins at once; then, while they are still hashing, the right one. */
async function burstThenRight(email: string, right: () => Promise<unknown>, wrong: () => Promise<unknown>, userId: string, count = 30) {
  const burst = Array.from({ length: count }, () => wrong().catch((e: unknown) => e));
  // The right attempt comes while the burst's password hashes (~70 ms each) are still running.
  const started = Date.now();
  while (Date.now() - started < 50) {
    const [row] = await testDbRef().db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, userId));
    if (row?.lockedUntil) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const result = await right().catch((e: unknown) => e);
  const results = await Promise.all(burst);
  return { result, results };
}

const testDb = useTestDatabase();
const testDbRef = () => testDb;
const meta = { ip: "198.51.100.7", userAgent: "vitest" };
const PASSWORD = "correct-horse-battery";
let userId = "";

beforeAll(async () => {
  Object.assign(process.env, {
    AUTH_SECRET: "lockout-auth-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: "lockout-master-key-0123456789abcdefghijk",
    LOGIN_LOCKOUT_THRESHOLD: "5",
    LOGIN_LOCKOUT_MINUTES: "30",
    AUTH_RATE_LIMIT_PER_MINUTE: "3",
    AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE: "1000",
  });
  resetEnvForTests();
  const user = await createUser({ name: "Lou", email: "lou@example.com", passwordHash: await hashPassword(PASSWORD), autoApprove: true });
  userId = user.id;
});

const attempt = (password: string, email = "lou@example.com") => authorizeCredentials({ email, password }, meta);

describe("brute-force protection", () => {
  it("locks the account on the fifth wrong password, refuses even the right one, and records it", async () => {
    for (let i = 0; i < 4; i++) expect(await attempt("wrong-password-000")).toBeNull();
    expect((await testDb.db.select().from(users).where(eq(users.id, userId)))[0]!.lockedUntil).toBeNull();
    expect(await attempt("wrong-password-000")).toBeNull();
    const [locked] = await testDb.db.select().from(users).where(eq(users.id, userId));
    expect(locked!.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    // The right password is refused exactly like a wrong one while the lock holds.
    expect(await attempt(PASSWORD)).toBeNull();
    const actions = (await testDb.db.select().from(auditLog).where(eq(auditLog.userId, userId))).map((a) => a.action);
    expect(actions.filter((a) => a === "login.failure")).toHaveLength(5);
    expect(actions).toContain("login.lockout");
    expect(actions).toContain("login.locked");
    // The owner is told, here through the dev mailbox (no RESEND_API_KEY in tests).
    const mails = await testDb.db.select().from(devMailbox).where(eq(devMailbox.to, "lou@example.com"));
    expect(mails.map((m) => m.kind)).toEqual(["lockout"]);
    expect(mails[0]!.text).toContain("/forgot-password");
  });

  it("lets the owner in once the lock has passed, and starts counting again", async () => {
    await testDb.db.update(users).set({ lockedUntil: new Date(Date.now() - 1000) }).where(eq(users.id, userId));
    expect(await attempt(PASSWORD)).toMatchObject({ id: userId });
    const [row] = await testDb.db.select().from(users).where(eq(users.id, userId));
    expect(row!.failedLogins).toBe(0);
  });

  it("answers an unknown email the same way", async () => {
    expect(await attempt("whatever-password", "nobody@example.com")).toBeNull();
  });

  it("limits attempts per IP address", async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await checkAuthRateLimit("login", "203.0.113.99"));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]!.retryAfterSeconds).toBeGreaterThan(0);
    expect((await checkAuthRateLimit("login", "203.0.113.100")).allowed).toBe(true);
    expect((await checkAuthRateLimit("register", "203.0.113.99")).allowed).toBe(true);
  });

  it("a concurrent burst of 30 wrong passwords evaluates no more than the threshold, and the right one after it is refused", async () => {
    const email = "burst@example.com";
    const user = await createUser({ name: "Bur St", email, passwordHash: await hashPassword(PASSWORD), autoApprove: true });
    const { result } = await burstThenRight(
      email,
      () => authorizeCredentials({ email, password: PASSWORD }, meta),
      () => authorizeCredentials({ email, password: "wrong-password-000" }, meta),
      user.id,
    );
    expect(result).toBeNull();
    const [row] = await testDb.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    const actions = (await testDb.db.select().from(auditLog).where(eq(auditLog.userId, user.id))).map((a) => a.action);
    // Only the threshold's worth of guesses were checked; the rest (and the right one) met the lock.
    expect(actions.filter((a) => a === "login.failure")).toHaveLength(5);
    expect(actions.filter((a) => a === "login.locked")).toHaveLength(26);
    expect(actions).not.toContain("login.success");
    expect(actions.filter((a) => a === "login.lockout")).toHaveLength(1);
  });

  it("the same holds for second-factor guesses: a burst of wrong codes locks, the right code after it is refused", async () => {
    const { generate } = await import("otplib");
    const { confirmEnrolment, startEnrolment } = await import("@/lib/auth/two-factor");
    const email = "burst-2fa@example.com";
    const user = await createUser({ name: "Two Burst", email, passwordHash: await hashPassword(PASSWORD), autoApprove: true });
    const started = await startEnrolment(user.id, email);
    if (!started.ok) throw new Error("enrolment did not start");
    const codeAt = (offset: number) => generate({ secret: started.secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
    expect((await confirmEnrolment(user.id, await codeAt(0))).ok).toBe(true);
    const valid = new Set(await Promise.all([codeAt(-1), codeAt(0), codeAt(1)]));
    const wrong = ["111111", "222222", "333333"].find((c) => !valid.has(c))!;
    const right = await codeAt(1);
    const { result } = await burstThenRight(
      email,
      () => authorizeCredentials({ email, password: PASSWORD, code: right }, meta),
      () => authorizeCredentials({ email, password: PASSWORD, code: wrong }, meta),
      user.id,
    );
    expect(result).toBeNull();
    const actions = (await testDb.db.select().from(auditLog).where(eq(auditLog.userId, user.id))).map((a) => a.action);
    expect(actions.filter((a) => a === "2fa.failure")).toHaveLength(5);
    expect(actions).not.toContain("login.success");
    const [row] = await testDb.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it("a right password with its code still to come gives its attempt back; four typos and then the right password get in", async () => {
    const email = "typos@example.com";
    const user = await createUser({ name: "Ty Po", email, passwordHash: await hashPassword(PASSWORD), autoApprove: true });
    for (let i = 0; i < 4; i++) expect(await authorizeCredentials({ email, password: "wrong-password-000" }, meta)).toBeNull();
    expect(await authorizeCredentials({ email, password: PASSWORD }, meta)).toMatchObject({ id: user.id });
    const [row] = await testDb.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.lockedUntil).toBeNull();
    expect(row!.failedLogins).toBe(0);
  });

  it("limits attempts per account, whichever address they come from", async () => {
    process.env.AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE = "3";
    resetEnvForTests();
    try {
      const email = "throttled@example.com";
      const from = (i: number) => ({ ip: `203.0.113.${i}`, userAgent: "vitest" });
      for (let i = 0; i < 3; i++) expect(await authorizeCredentials({ email, password: "wrong-password-000" }, from(i))).toBeNull();
      const fourth = await authorizeCredentials({ email, password: "wrong-password-000" }, from(9)).catch((e: unknown) => e);
      expect(fourth).toBeInstanceOf(AccountThrottled);
      expect((fourth as AccountThrottled).retryAfterSeconds).toBeGreaterThan(0);
      // The same for an address nobody registered: the answer says nothing about which accounts exist.
      for (let i = 0; i < 3; i++) await authorizeCredentials({ email: "ghost@example.com", password: "x" }, from(i));
      await expect(authorizeCredentials({ email: "ghost@example.com", password: "x" }, from(9))).rejects.toBeInstanceOf(AccountThrottled);
    } finally {
      process.env.AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE = "1000";
      resetEnvForTests();
    }
  });
});
