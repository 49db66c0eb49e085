import { z } from "zod";

// Messages are keys of the "validation" namespace; actions translate them.
export const emailSchema = z.string().trim().min(1, "emailRequired").max(254, "emailTooLong").pipe(z.email("emailInvalid"));

export const loginSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "passwordRequired").max(200, "passwordTooLong"),
  // The second step of a sign-in with 2FA: a 6-digit TOTP code or a recovery code.
  code: z.string().trim().max(40).optional(),
  callbackUrl: z.string().optional(),
});

export const registerSchema = z
  .object({
    name: z.string().trim().min(1, "nameRequired").max(80, "nameTooLong"),
    email: emailSchema,
    password: z.string().min(10, "passwordTooShort").max(200, "passwordTooLong"),
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, { message: "passwordsDontMatch", path: ["confirmPassword"] });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "passwordRequired").max(200, "passwordTooLong"),
    password: z.string().min(10, "passwordTooShort").max(200, "passwordTooLong"),
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, { message: "passwordsDontMatch", path: ["confirmPassword"] });
