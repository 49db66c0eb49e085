import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, users } from "@/db/schema";
import { createOrPromoteAdmin } from "@/lib/admin-create";
import { ROLES } from "@/lib/auth/roles";
import { resetEnvForTests } from "@/lib/env";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
const saved = { ...process.env };

function configure(values: Record<string, string>) {
  for (const key of ["NODE_ENV", "ADMIN_EMAIL", "APP_URL", "EMAIL_DISABLED"]) delete process.env[key];
  Object.assign(process.env, { AUTH_SECRET: "a".repeat(40), ENCRYPTION_KEY: "b".repeat(40) }, values);
  resetEnvForTests();
}
const production = { NODE_ENV: "production", APP_URL: "https://trade.example.com", EMAIL_DISABLED: "true", TRUSTED_PROXY_HOPS: "1" };
const register = (email: string) => createUser({ name: email.split("@")[0]!, email, passwordHash: "$argon2id$fake", autoApprove: false });

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

  it("is the account registered with ADMIN_EMAIL (any letter case), and only that one", async () => {
    configure({ ...production, ADMIN_EMAIL: "Owner@Example.com" });
    expect((await register("someone@example.com")).role).toBe(ROLES.user);
    const owner = await register("owner@example.COM");
    expect(owner.role).toBe(ROLES.admin);
    const [entry] = await testDb.db.select().from(auditLog).where(eq(auditLog.userId, owner.id));
    expect(entry?.detail).toMatchObject({ role: ROLES.admin, adminEmail: true });
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
