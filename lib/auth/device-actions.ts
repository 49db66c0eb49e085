"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { findUserById } from "@/db/queries/users";
import { getRateLimiter } from "@/lib/ratelimit";
import { requestMeta } from "@/lib/request";
import { auth, signOut } from "./auth";
import { answerDeviceLink, registrationDeviceId, revokeDevice, sendDeviceConfirmation } from "./devices";
import { sendVerificationEmail, verifyEmail } from "./email-verification";
import { checkAuthRateLimit } from "./rate-limit";
import { getSessionState, requireUser } from "./session";
import { ROLES } from "./roles";
import { countryFromHeaders } from "./user-agent";

export type LinkActionState = {
  done?: "yes" | "no" | "verified";
  problem?: "invalid" | "expired" | "used";
  message?: string;
  ok?: boolean;
  /** Verified, and the account still waits for an admin's approval. */
  waiting?: boolean;
};

const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const answerSchema = z.object({ token: tokenSchema, answer: z.enum(["yes", "no"]) });

async function limited(): Promise<string | null> {
  const meta = await requestMeta();
  const limit = await checkAuthRateLimit("verify", meta.ip);
  if (limit.allowed) return null;
  const t = await getTranslations("auth");
  return t("rateLimited", { seconds: limit.retryAfterSeconds });
}

/** "Confirm my email address" on the page an emailed link opens (a button, so mail scanners cannot). */
export async function confirmEmailAction(_prev: LinkActionState, formData: FormData): Promise<LinkActionState> {
  const tooMany = await limited();
  if (tooMany) return { message: tooMany };
  const token = tokenSchema.safeParse(formData.get("token"));
  if (!token.success) return { problem: "invalid" };
  const result = await verifyEmail({ token: token.data, meta: await requestMeta() });
  if (!result.ok) return { problem: result.reason };
  const user = await findUserById(result.userId);
  return { done: "verified", waiting: user?.role === ROLES.user };
}

/** "Yes, it was me" / "No, block it" on the page the new-device email opens. */
export async function answerDeviceAction(_prev: LinkActionState, formData: FormData): Promise<LinkActionState> {
  const tooMany = await limited();
  if (tooMany) return { message: tooMany };
  const parsed = answerSchema.safeParse({ token: formData.get("token"), answer: formData.get("answer") });
  if (!parsed.success) return { problem: "invalid" };
  const h = await headers();
  const meta = { ...(await requestMeta()), country: countryFromHeaders(h) };
  const result = await answerDeviceLink({ token: parsed.data.token, answer: parsed.data.answer, meta });
  return result.ok ? { done: result.answer } : { problem: result.reason };
}

/** The waiting page's "send the link again" (cooldown one minute). */
export async function resendVerificationAction(): Promise<LinkActionState> {
  const t = await getTranslations("verify");
  const state = await getSessionState();
  if (state.status !== "unconfirmed" || state.step !== "email") return { ok: true, message: t("alreadyVerified") };
  const tooMany = await limited();
  if (tooMany) return { message: tooMany };
  // The link trusts the browser the account was created from, never whichever browser asked for it
  // (someone else who knows the password could be asking).
  const deviceId = await registrationDeviceId(state.user.id);
  const sent = await sendVerificationEmail({ userId: state.user.id, deviceId });
  if (sent.sent) return { ok: true, message: t("resent") };
  if (sent.reason === "cooldown") return { message: t("cooldown", { seconds: sent.retryAfterSeconds ?? 60 }) };
  return { ok: true, message: t("alreadyVerified") };
}

/** The waiting device's "send the email again" (at most 3 per 15 minutes per device). */
export async function resendDeviceEmailAction(): Promise<LinkActionState> {
  const t = await getTranslations("confirmDevice");
  const state = await getSessionState();
  if (state.status !== "unconfirmed" || state.step !== "device") return { ok: true };
  const tooMany = await limited();
  if (tooMany) return { message: tooMany };
  const limiter = await getRateLimiter();
  const hit = await limiter.hit(`auth:device-email:${state.deviceId}`, { limit: 3, windowMs: 15 * 60_000 });
  if (!hit.allowed) return { message: t("cooldown") };
  await sendDeviceConfirmation({ userId: state.user.id, deviceId: state.deviceId, reason: "resend" });
  return { ok: true, message: t("resent") };
}

/** Settings → Devices: revoke one of your own devices; revoking this one signs you out. */
export async function revokeDeviceAction(_prev: LinkActionState, formData: FormData): Promise<LinkActionState> {
  const t = await getTranslations("devices");
  const user = await requireUser();
  const id = z.uuid().safeParse(formData.get("deviceId"));
  if (!id.success) return { message: t("notFound") };
  const state = await getSessionState();
  const current = state.status === "active" || state.status === "stale" ? await currentDeviceId() : null;
  const ok = await revokeDevice({ userId: user.id, deviceId: id.data, meta: await requestMeta() });
  if (!ok) return { message: t("notFound") };
  if (current === id.data) await signOut({ redirectTo: "/login" });
  revalidatePath("/dashboard/settings/devices");
  return { ok: true, message: t("revoked") };
}

async function currentDeviceId(): Promise<string | null> {
  return (await auth())?.deviceId ?? null;
}
