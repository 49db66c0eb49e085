"use server";

import { z } from "zod";
import { validatedAction } from "@/lib/actions/validated-action";
import { resetPassword } from "@/lib/auth/password-reset";
import { checkAuthRateLimit } from "@/lib/auth/rate-limit";
import { requestMeta } from "@/lib/request";
import { registerSchema } from "@/lib/validations/auth";

// The registration rules for the password, plus the token from the link (a hidden field).
const resetPasswordSchema = z
  .object({
    token: z.string().max(200).default(""),
    password: registerSchema.shape.password,
    confirmPassword: registerSchema.shape.confirmPassword,
  })
  .refine((v) => v.password === v.confirmPassword, { message: "passwordsDontMatch", path: ["confirmPassword"] });

/** Sets the new password, ends every session and clears the lockout; the token works once. */
export const resetPasswordAction = validatedAction(resetPasswordSchema, async (data, { t }) => {
  const { ip, userAgent } = await requestMeta();
  const limit = await checkAuthRateLimit("reset", ip);
  if (!limit.allowed) return { message: t("auth.rateLimited", { seconds: limit.retryAfterSeconds }) };
  const result = await resetPassword({ token: data.token, password: data.password, ip, userAgent });
  // ok: false (not just a message) tells the form the link itself failed: it offers a new one.
  if (!result.ok) return { ok: false, message: t(`email.reset.${result.reason}`) };
  return { ok: true, message: t("email.reset.success") };
});
