import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, devMailbox, users } from "@/db/schema";
import { createUser } from "@/lib/users";
import { authorizeCredentials } from "@/lib/auth/credentials";
import { hashPassword } from "@/lib/auth/password";
import { checkAuthRateLimit } from "@/lib/auth/rate-limit";
import { resetEnvForTests } from "@/lib/env";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
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
});
