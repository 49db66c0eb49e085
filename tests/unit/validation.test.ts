import { describe, expect, it } from "vitest";
import { changeRoleSchema, userListQuerySchema } from "@/lib/validations/admin";
import { registerSchema } from "@/lib/validations/auth";
import { hashPassword, verifyPassword } from "@/lib/auth/password";

describe("registerSchema", () => {
  const good = { name: "Ann", email: " Ann@Example.com ", password: "0123456789", confirmPassword: "0123456789" };

  it("accepts a valid registration and trims the email", () => {
    const parsed = registerSchema.parse(good);
    expect(parsed.email).toBe("Ann@Example.com");
  });

  it("reports each problem on its field with a message key", () => {
    const result = registerSchema.safeParse({ ...good, email: "nope", password: "short", confirmPassword: "other" });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues).toContainEqual(["email", "emailInvalid"]);
    expect(issues).toContainEqual(["password", "passwordTooShort"]);
  });

  it("requires the confirmation to match", () => {
    const result = registerSchema.safeParse({ ...good, confirmPassword: "0123456780" });
    expect(result.error?.issues[0]).toMatchObject({ path: ["confirmPassword"], message: "passwordsDontMatch" });
  });
});

describe("admin schemas", () => {
  it("refuses roles outside 0..3 and non-uuid ids", () => {
    expect(changeRoleSchema.safeParse({ userId: "x", role: "2" }).success).toBe(false);
    expect(changeRoleSchema.safeParse({ userId: crypto.randomUUID(), role: "7" }).success).toBe(false);
    expect(changeRoleSchema.parse({ userId: "9b2f3c1e-8a4d-4f6b-9c7e-2d1a0b3c4d5e", role: "2" }).role).toBe(2);
  });

  it("clamps bad paging input instead of failing the page", () => {
    expect(userListQuerySchema.parse({ page: "-4", q: "a" })).toEqual({ page: 1, q: "a" });
    expect(userListQuerySchema.parse({ page: "abc" }).page).toBe(1);
  });
});

describe("password hashing", () => {
  it("uses argon2id and verifies only the right password", async () => {
    const hash = await hashPassword("correct-horse-battery");
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword(hash, "correct-horse-battery")).toBe(true);
    expect(await verifyPassword(hash, "wrong-horse-battery")).toBe(false);
    expect(await verifyPassword(null, "anything")).toBe(false);
  });
});
