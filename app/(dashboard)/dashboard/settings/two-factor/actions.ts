"use server";

import { revalidatePath } from "next/cache";
import type { getTranslations } from "next-intl/server";
import { validatedActionWithUser, type ActionState } from "@/lib/actions/validated-action";
import { SETUP_PERMISSION } from "@/lib/auth/roles";
import { keepThisSession, requireUser } from "@/lib/auth/session";
import {
  cancelEnrolment,
  confirmEnrolment,
  disableTwoFactor,
  regenerateRecoveryCodes,
  startEnrolment,
} from "@/lib/auth/two-factor";
import { requestMeta } from "@/lib/request";
import { twoFactorCodeSchema, twoFactorEmptySchema, twoFactorManageSchema } from "@/lib/validations/two-factor";

const PATH = "/dashboard/settings/two-factor";

type Translator = Awaited<ReturnType<typeof getTranslations>>;

function codeRequired(t: Translator): ActionState {
  return { errors: { code: [t("twoFactor.errors.codeRequired")] } };
}

function invalidCode(t: Translator): ActionState {
  return { errors: { code: [t("twoFactor.errors.invalidCode")] } };
}

export const startTwoFactorAction = validatedActionWithUser(SETUP_PERMISSION, twoFactorEmptySchema, async (_data, { user, t }) => {
  const started = await startEnrolment(user.id, user.email);
  if (!started.ok) return { message: t("twoFactor.errors.alreadyEnabled") };
  revalidatePath(PATH);
  return { ok: true };
});

/** Drops an unconfirmed enrolment (a plain form action: nothing to report). */
export async function cancelTwoFactorAction(): Promise<void> {
  const user = await requireUser(SETUP_PERMISSION);
  await cancelEnrolment(user.id);
  revalidatePath(PATH);
}

export const confirmTwoFactorAction = validatedActionWithUser(SETUP_PERMISSION, twoFactorCodeSchema, async ({ code }, { user, t }) => {
  if (!code) return codeRequired(t);
  const result = await confirmEnrolment(user.id, code, await requestMeta());
  if (!result.ok) {
    if (result.reason === "invalid") return invalidCode(t);
    revalidatePath(PATH);
    return { message: t(result.reason === "already_enabled" ? "twoFactor.errors.alreadyEnabled" : "twoFactor.errors.noPending") };
  }
  // The session version was bumped, which ends the user's other sessions. Re-read it into this
  // session's token so this one stays signed in. No revalidatePath here: a render in this request would
  // still see the old cookie; the new cookie makes the client refresh the page itself.
  await keepThisSession(user.id, user.sessionVersion, result.sessionVersion);
  return { ok: true, message: t("twoFactor.enabled"), reveal: { codes: result.codes.join("\n") } };
});

function refused(reason: "not_enrolled" | "invalid" | "locked" | "rate_limited", t: Translator): ActionState {
  if (reason === "invalid") return { errors: { code: [t("twoFactor.errors.invalidProof")] } };
  if (reason === "locked") return { message: t("twoFactor.errors.locked") };
  if (reason === "rate_limited") return { message: t("twoFactor.errors.rateLimited") };
  return { message: t("twoFactor.errors.notEnrolled") };
}

function missingProof(password: string, code: string, t: Translator): ActionState | null {
  const errors: Record<string, string[]> = {};
  if (!password) errors.password = [t("twoFactor.errors.passwordRequired")];
  if (!code) errors.code = [t("twoFactor.errors.codeRequired")];
  return Object.keys(errors).length ? { errors } : null;
}

export const regenerateRecoveryCodesAction = validatedActionWithUser(SETUP_PERMISSION, twoFactorManageSchema, async ({ code, password }, { user, t }) => {
  const missing = missingProof(password, code, t);
  if (missing) return missing;
  const result = await regenerateRecoveryCodes(user.id, { password, code }, await requestMeta());
  if (!result.ok) return refused(result.reason, t);
  revalidatePath(PATH);
  return { ok: true, message: t("twoFactor.regenerated"), reveal: { codes: result.codes.join("\n") } };
});

export const disableTwoFactorAction = validatedActionWithUser(SETUP_PERMISSION, twoFactorManageSchema, async ({ code, password }, { user, t }) => {
  const missing = missingProof(password, code, t);
  if (missing) return missing;
  const result = await disableTwoFactor(user.id, { password, code }, await requestMeta());
  if (!result.ok) return refused(result.reason, t);
  revalidatePath(PATH);
  return { ok: true, message: t("twoFactor.disabled") };
});
