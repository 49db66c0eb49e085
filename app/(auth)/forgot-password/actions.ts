"use server";

import { after } from "next/server";
import { z } from "zod";
import { validatedAction } from "@/lib/actions/validated-action";
import { requestPasswordReset } from "@/lib/auth/password-reset";
import { checkAuthRateLimit } from "@/lib/auth/rate-limit";
import { requestMeta } from "@/lib/request";
import { emailSchema } from "@/lib/validations/auth";

const forgotPasswordSchema = z.object({ email: emailSchema });

/**
 * "Forgot password": the same answer whether or not the address has an account. The token and email
 * are made after the response (`after`), so its timing does not tell either.
 */
export const forgotPasswordAction = validatedAction(forgotPasswordSchema, async (data, { t }) => {
  const { ip, userAgent } = await requestMeta();
  const limit = await checkAuthRateLimit("reset", ip);
  if (!limit.allowed) return { message: t("auth.rateLimited", { seconds: limit.retryAfterSeconds }), values: { email: data.email } };
  await requestPasswordReset({
    email: data.email,
    ip,
    userAgent,
    defer: (task) => after(task),
  });
  return { ok: true, message: t("email.forgot.sent") };
});
