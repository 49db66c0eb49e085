"use server";

import { validatedActionWithUser, type ActionState } from "@/lib/actions/validated-action";
import { updateSession } from "@/lib/auth/auth";
import { sessionVersionProof } from "@/lib/auth/fresh-token";
import { changePassword } from "@/lib/auth/password-change";
import { checkAuthRateLimit } from "@/lib/auth/rate-limit";
import { requestMeta } from "@/lib/request";
import { changePasswordSchema } from "@/lib/validations/auth";

/** Settings → Password: the other sessions end; this one is carried over to the new session version. */
export const changePasswordAction = validatedActionWithUser("dashboard.view", changePasswordSchema, async (data, { user, t }): Promise<ActionState> => {
  const meta = await requestMeta();
  // The current password is guessable here too: the same per-IP limit as the sign-in form.
  const limit = await checkAuthRateLimit("login", meta.ip);
  if (!limit.allowed) return { message: t("auth.rateLimited", { seconds: limit.retryAfterSeconds }) };
  const result = await changePassword({ userId: user.id, currentPassword: data.currentPassword, newPassword: data.password, meta });
  if (!result.ok) {
    if (result.reason === "wrong_password") return { errors: { currentPassword: [t("passwordChange.wrong")] } };
    if (result.reason === "same_password") return { errors: { password: [t("passwordChange.same")] } };
    return { message: t("passwordChange.changedMeanwhile") };
  }
  await updateSession({ svProof: sessionVersionProof(user.id, result.from, result.to) } as object);
  return { ok: true, message: t("passwordChange.done") };
});
