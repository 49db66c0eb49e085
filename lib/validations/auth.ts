import { z } from "zod";
import { isCommonPassword } from "./common-passwords";

// Messages are keys of the "validation" namespace; actions translate them.
export const emailSchema = z.string().trim().min(1, "emailRequired").max(254, "emailTooLong").pipe(z.email("emailInvalid"));

/** A password being set (registration, reset, change): long enough, and not on the common-passwords list. */
export const newPasswordSchema = z
  .string()
  // One message at a time: "short" is too short, and also common.
  .min(10, { message: "passwordTooShort", abort: true })
  .max(200, { message: "passwordTooLong", abort: true })
  .refine((p) => !isCommonPassword(p), "passwordCommon");

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "passwordRequired").max(200, "passwordTooLong"),
  // The second step of a sign-in with 2FA: a 6-digit TOTP code or a recovery code.
  code: z.string().trim().max(40).optional(),
  // "Keep me signed in": no idle timeout, and the longer absolute limit.
  remember: z.enum(["on", "1", "true", ""]).optional().catch(undefined).transform((v) => v === "on" || v === "1" || v === "true"),
  callbackUrl: z.string().optional(),
});

export const registerSchema = z
  .object({
    name: z.string().trim().min(1, "nameRequired").max(80, "nameTooLong"),
    email: emailSchema,
    password: newPasswordSchema,
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, { message: "passwordsDontMatch", path: ["confirmPassword"] });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "passwordRequired").max(200, "passwordTooLong"),
    password: newPasswordSchema,
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, { message: "passwordsDontMatch", path: ["confirmPassword"] });
