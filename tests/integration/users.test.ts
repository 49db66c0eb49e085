import { describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { auditLog, users } from "@/db/schema";
import { findUserForLogin, listUsers } from "@/db/queries/users";
import { adminUpdateUser, createUser } from "@/lib/users";
import { ROLES } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();

async function makeUser(email: string, autoApprove = false) {
  return createUser({ name: email.split("@")[0]!, email, passwordHash: "$argon2id$fake", autoApprove });
}

describe("users on " + (process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"), () => {
  it("makes only the first of concurrent registrations an admin", async () => {
    const created = await Promise.all(["a1@example.com", "a2@example.com", "a3@example.com"].map((e) => makeUser(e)));
    expect(created.filter((u) => u.role === ROLES.admin)).toHaveLength(1);
    expect(created.filter((u) => u.role === ROLES.user)).toHaveLength(2);
  });

  it("auto-approves traders only when asked", async () => {
    expect((await makeUser("auto@example.com", true)).role).toBe(ROLES.trader);
    expect((await makeUser("manual@example.com", false)).role).toBe(ROLES.user);
  });

  it("treats emails case-insensitively", async () => {
    await makeUser("Mixed.Case@Example.com");
    await expect(makeUser("mixed.case@example.COM")).rejects.toMatchObject({ code: "conflict" });
    const found = await findUserForLogin("MIXED.case@example.com");
    expect(found?.email).toBe("mixed.case@example.com");
    expect(found?.passwordHash).toBe("$argon2id$fake");
  });

  it("searches and pages without exposing password hashes", async () => {
    const { rows, total } = await listUsers({ q: "a", page: 1, pageSize: 2 });
    expect(rows).toHaveLength(2);
    expect(total).toBeGreaterThan(2);
    expect(rows[0]).not.toHaveProperty("passwordHash");
    const none = await listUsers({ q: "%_nobody" });
    expect(none.total).toBe(0);
  });

  it("never leaves the platform without an active admin, and audits every change", async () => {
    const db = testDb.db;
    const [admin] = await db.select().from(users).where(eq(users.role, ROLES.admin));
    const target = await makeUser("promote-me@example.com");

    await expect(
      adminUpdateUser({ actorId: admin!.id, userId: admin!.id, change: { role: ROLES.trader } }),
    ).rejects.toMatchObject({ code: "last_admin" });
    await expect(
      adminUpdateUser({ actorId: admin!.id, userId: admin!.id, change: { disabled: true } }),
    ).rejects.toBeInstanceOf(AppError);

    const promoted = await adminUpdateUser({ actorId: admin!.id, userId: target.id, change: { role: ROLES.admin } });
    expect(promoted.role).toBe(ROLES.admin);
    // With a second admin, the first may step down.
    const demoted = await adminUpdateUser({ actorId: target.id, userId: admin!.id, change: { role: ROLES.trader } });
    expect(demoted.role).toBe(ROLES.trader);

    const disabled = await adminUpdateUser({ actorId: target.id, userId: admin!.id, change: { disabled: true } });
    expect(disabled.disabled).toBe(true);
    expect(disabled.sessionVersion).toBe(admin!.sessionVersion + 1);

    const entries = await db.select().from(auditLog).where(eq(auditLog.userId, admin!.id));
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["user.role_change", "user.disable"]));
    const roleChange = entries.find((e) => e.action === "user.role_change");
    expect(roleChange).toMatchObject({ actorId: target.id, detail: { from: 3, to: 2 } });
  });

  it("changes nothing when the change is refused", async () => {
    const db = testDb.db;
    const [before] = await db.select({ value: count() }).from(auditLog);
    const [onlyAdmin] = await db.select().from(users).where(eq(users.email, "promote-me@example.com"));
    await expect(
      adminUpdateUser({ actorId: onlyAdmin!.id, userId: onlyAdmin!.id, change: { role: ROLES.user } }),
    ).rejects.toMatchObject({ code: "last_admin" });
    const [after] = await db.select({ value: count() }).from(auditLog);
    expect(after?.value).toBe(before?.value);
    const [still] = await db.select().from(users).where(eq(users.id, onlyAdmin!.id));
    expect(still?.role).toBe(ROLES.admin);
  });
});
