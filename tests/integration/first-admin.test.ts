import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, users } from "@/db/schema";
import { createOrPromoteAdmin } from "@/lib/admin-create";
import { ROLES } from "@/lib/auth/roles";
import { issueToken, TOKEN_KINDS } from "@/lib/auth/tokens";
import { resetEnvForTests } from "@/lib/env";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "../helpers/test-db";

vi.mock("next/headers", () => ({ headers: async () => new Headers(), cookies: async () => ({ get: () => undefined }) }));
const { verifyEmail } = await import("@/lib/auth/email-verification");

const testDb = useTestDatabase();
const saved = { ...process.env };

function configure(values: Record<string, string>) {
  for (const key of ["NODE_ENV", "ADMIN_EMAIL", "APP_URL", "EMAIL_DISABLED"]) delete process.env[key];
  Object.assign(process.env, { AUTH_SECRET: "a".repeat(40), ENCRYPTION_KEY: "b".repeat(40) }, values);
  resetEnvForTests();
}
const production = { NODE_ENV: "production", APP_URL: "https://trade.example.com", EMAIL_DISABLED: "true", TRUSTED_PROXY_HOPS: "1" };
const register = (email: string, autoApprove = false) => createUser({ name: email.split("@")[0]!, email, passwordHash: "$argon2id$fake", autoApprove });

/** Uses a verification link as the emailed one would be used. */
async function verify(userId: string) {
  const token = await issueToken({ userId, kind: TOKEN_KINDS.verifyEmail, ttlMinutes: 60 });
  return verifyEmail({ token, meta: { ip: "203.0.113.7", userAgent: "vitest" } });
}

async function roleOf(userId: string) {
  const [row] = await testDb.db.select({ role: users.role }).from(users).where(eq(users.id, userId));
  return row?.role;
}

async function promotions(userId: string) {
  return testDb.db.select().from(auditLog).where(and(eq(auditLog.userId, userId), eq(auditLog.action, "user.promote.admin_email")));
}

beforeAll(() => configure(production));
afterAll(() => {
  process.env = saved;
  resetEnvForTests();
});

describe("the first admin of a production deployment", () => {
  it("is not whoever registers first on a fresh database", async () => {
    expect(await testDb.db.select().from(users)).toHaveLength(0);
    const [a, b] = await Promise.all([register("racer-1@example.com"), register("racer-2@example.com")]);
    expect([a.role, b.role]).toEqual([ROLES.user, ROLES.user]);
  });

  it("is the account registered with ADMIN_EMAIL (any letter case) once it verifies the address, not at registration", async () => {
    configure({ ...production, ADMIN_EMAIL: "Owner@Example.com" });
    const someone = await register("someone@example.com");
    const owner = await register("owner@example.COM");
    // Whoever registers the address first has not proven it is theirs: no admin yet.
    expect([someone.role, owner.role]).toEqual([ROLES.user, ROLES.user]);
    const [entry] = await testDb.db.select().from(auditLog).where(eq(auditLog.userId, owner.id));
    expect(entry?.detail).toMatchObject({ role: ROLES.user, adminEmail: true });

    expect(await verify(someone.id)).toEqual({ ok: true, userId: someone.id });
    expect(await roleOf(someone.id)).toBe(ROLES.user);

    expect(await verify(owner.id)).toEqual({ ok: true, userId: owner.id });
    expect(await roleOf(owner.id)).toBe(ROLES.admin);
    const [promotion] = await promotions(owner.id);
    expect(promotion).toMatchObject({ actorId: owner.id, ip: "203.0.113.7", detail: { from: ROLES.user, to: ROLES.admin } });
  });

  it("is not made while an active admin exists, nor for a disabled account", async () => {
    // owner@example.com (previous test) is the active admin: a second ADMIN_EMAIL account stays a user.
    configure({ ...production, ADMIN_EMAIL: "heir@example.com" });
    const heir = await register("heir@example.com", true);
    expect(heir.role).toBe(ROLES.trader);
    expect((await verify(heir.id)).ok).toBe(true);
    expect(await roleOf(heir.id)).toBe(ROLES.trader);
    expect(await promotions(heir.id)).toHaveLength(0);

    // With no active admin left, a disabled (declined) ADMIN_EMAIL account is still not promoted...
    await testDb.db.update(users).set({ disabled: true }).where(eq(users.role, ROLES.admin));
    configure({ ...production, ADMIN_EMAIL: "claimant@example.com" });
    const claimant = await register("claimant@example.com");
    await testDb.db.update(users).set({ disabled: true }).where(eq(users.id, claimant.id));
    expect((await verify(claimant.id)).ok).toBe(true);
    expect(await roleOf(claimant.id)).toBe(ROLES.user);

    // ...while an enabled one is, when it verifies: an auto-approved trader too.
    configure({ ...production, ADMIN_EMAIL: "next-owner@example.com" });
    const next = await register("next-owner@example.com", true);
    expect((await verify(next.id)).ok).toBe(true);
    expect(await roleOf(next.id)).toBe(ROLES.admin);
    expect(await promotions(next.id)).toHaveLength(1);
    // Another link for the verified address changes nothing.
    expect(await verify(next.id)).toEqual({ ok: false, reason: "used" });
    expect(await promotions(next.id)).toHaveLength(1);
  });

  it("or comes from `npm run admin:create`: a new account, or an existing one promoted and re-enabled", async () => {
    configure(production);
    const created = await createOrPromoteAdmin(testDb.db, { email: "ops@example.com", name: "Ops", passwordHash: "$argon2id$fake" });
    expect(created).toMatchObject({ email: "ops@example.com", created: true });
    const existing = await register("later@example.com");
    await testDb.db.update(users).set({ disabled: true }).where(eq(users.id, existing.id));
    const promoted = await createOrPromoteAdmin(testDb.db, { email: "LATER@example.com" });
    expect(promoted).toEqual({ id: existing.id, email: "later@example.com", created: false });
    const [row] = await testDb.db.select().from(users).where(eq(users.id, existing.id));
    expect(row).toMatchObject({ role: ROLES.admin, disabled: false, passwordHash: "$argon2id$fake" });
    await expect(createOrPromoteAdmin(testDb.db, { email: "ghost@example.com" })).rejects.toThrow(/password is needed/);
  });
});
