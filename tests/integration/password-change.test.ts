import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { createUser } from "@/lib/users";
import { hashPassword } from "@/lib/auth/password";
import { changePassword } from "@/lib/auth/password-change";
import { resetEnvForTests } from "@/lib/env";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
const meta = { ip: "198.51.100.8", userAgent: "vitest" };
const PASSWORD = "correct-horse-battery";

beforeAll(() => {
  Object.assign(process.env, {
    AUTH_SECRET: "pwchange-auth-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: "pwchange-master-key-0123456789abcdefghijk",
    LOGIN_LOCKOUT_THRESHOLD: "5",
    LOGIN_LOCKOUT_MINUTES: "30",
  });
  resetEnvForTests();
});

describe("changing the password is no free password oracle", () => {
  it("wrong current passwords count towards the sign-in lockout; once locked, even the right one is refused", async () => {
    const user = await createUser({ name: "Pam", email: "pam@example.com", passwordHash: await hashPassword(PASSWORD), autoApprove: true });
    const change = (currentPassword: string) => changePassword({ userId: user.id, currentPassword, newPassword: "a-new-long-password", meta });
    for (let i = 0; i < 5; i++) expect(await change(`guess-${i}`)).toEqual({ ok: false, reason: "wrong_password" });
    const [row] = await testDb.db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, user.id));
    expect(row!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(await change(PASSWORD)).toEqual({ ok: false, reason: "locked" });
  });

  it("a right current password starts the count again", async () => {
    const user = await createUser({ name: "Ned", email: "ned@example.com", passwordHash: await hashPassword(PASSWORD), autoApprove: true });
    const change = (currentPassword: string, newPassword = "a-new-long-password") => changePassword({ userId: user.id, currentPassword, newPassword, meta });
    for (let i = 0; i < 4; i++) await change(`guess-${i}`);
    expect(await change(PASSWORD, PASSWORD)).toEqual({ ok: false, reason: "same_password" });
    const [row] = await testDb.db.select({ failedLogins: users.failedLogins }).from(users).where(eq(users.id, user.id));
    expect(row!.failedLogins).toBe(0);
    expect(await change(PASSWORD)).toMatchObject({ ok: true });
  });
});
