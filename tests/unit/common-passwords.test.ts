import { describe, expect, it } from "vitest";
import en from "@/messages/en.json";
import ru from "@/messages/ru.json";
import { isCommonPassword } from "@/lib/validations/common-passwords";
import { changePasswordSchema, newPasswordSchema, registerSchema } from "@/lib/validations/auth";

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (result.error?.issues ?? []).map((i) => [i.path.join("."), i.message]);

describe("common passwords are refused wherever a password is set", () => {
  it.each(["password1234", "qwertyuiop", "1qaz2wsx3edc", "Password123!", "iloveyou12", "sunshine2024", "abc123abc123", "QWERTYUIOP"])(
    "refuses %s",
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
      expect(issues(newPasswordSchema.safeParse(password))).toEqual([["", "passwordCommon"]]);
    },
  );

  it.each(["correct-horse-battery", "x7!kQ2#pLm9v", "brand-new-password-0002"])("accepts %s", (password) => {
    expect(isCommonPassword(password)).toBe(false);
    expect(newPasswordSchema.safeParse(password).success).toBe(true);
  });

  it("applies to registration and to changing a password (the reset form reuses registration's rule)", () => {
    const registered = registerSchema.safeParse({ name: "A", email: "a@example.com", password: "password1234", confirmPassword: "password1234" });
    expect(issues(registered)).toContainEqual(["password", "passwordCommon"]);
    const changed = changePasswordSchema.safeParse({ currentPassword: "x", password: "qwertyuiop12", confirmPassword: "qwertyuiop12" });
    expect(issues(changed)).toContainEqual(["password", "passwordCommon"]);
  });

  it("has the message in every language", () => {
    expect(en.validation.passwordCommon).toBeTruthy();
    expect(ru.validation.passwordCommon).toBeTruthy();
  });
});
