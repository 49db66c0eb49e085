"use server";

import { validatedActionWithUser, type ActionState } from "@/lib/actions/validated-action";
import { changePassword } from "@/lib/auth/password-change";
import { checkAccountRateLimit, checkAuthRateLimit } from "@/lib/auth/rate-limit";
import { keepThisSession } from "@/lib/auth/session";
import { requestMeta } from "@/lib/request";
import { changePasswordSchema } from "@/lib/validations/auth";

/** Settings → Password: the other sessions end; this one is carried over to the new session version. */
export const changePasswordAction = validatedActionWithUser("dashboard.view", changePasswordSchema, async (data, { user, t }): Promise<ActionState> => {
  const meta = await requestMeta();
  // The current password is guessable here too: the same per-IP and per-account limits as the sign-in
  // form, and wrong ones count towards the lockout (changePassword).
  for (const limit of [await checkAuthRateLimit("login", meta.ip), await checkAccountRateLimit(user.email)]) {
    if (!limit.allowed) return { message: t("auth.rateLimited", { seconds: limit.retryAfterSeconds }) };
  }
  const result = await changePassword({ userId: user.id, currentPassword: data.currentPassword, newPassword: data.password, meta });
  if (!result.ok) {
    if (result.reason === "wrong_password") return { errors: { currentPassword: [t("passwordChange.wrong")] } };
    if (result.reason === "locked") return { message: t("reauth.locked") };
    if (result.reason === "same_password") return { errors: { password: [t("passwordChange.same")] } };
    return { message: t("passwordChange.changedMeanwhile") };
  }
  await keepThisSession(user.id, result.from, result.to);
  return { ok: true, message: t("passwordChange.done") };
});
