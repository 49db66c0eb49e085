import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { writeAudit } from "@/db/queries/audit";
import { renderVerifyEmail, sendEmail } from "@/lib/email";
import { appOrigin } from "@/lib/env";
import { getRateLimiter } from "@/lib/ratelimit";
import { markEmailVerified } from "@/lib/users";
import { trustRegistrationDevice, type Meta } from "./devices";
import { consumeToken, issueToken, revokeTokens, TOKEN_KINDS, type TokenFailure } from "./tokens";
import { log } from "@/lib/logger";

export const VERIFY_TOKEN_TTL_MINUTES = 24 * 60;
/** One verification email per account per minute (the "resend" button's cooldown). */
export const VERIFY_RESEND_COOLDOWN_MS = 60_000;

export type VerificationSend = { sent: true } | { sent: false; reason: "already_verified" | "cooldown"; retryAfterSeconds?: number };

/**
 * Emails a verification link (hashed token, 24 hours). `deviceId` is the browser the user registered
 * from: verifying trusts it, so the first device needs no separate confirmation.
 */
export async function sendVerificationEmail(input: { userId: string; deviceId: string | null }): Promise<VerificationSend> {
  const db = await getDb();
  const [user] = await db
    .select({ email: users.email, name: users.name, locale: users.locale, verifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(eq(users.id, input.userId))
    .limit(1);
  if (!user || user.verifiedAt) return { sent: false, reason: "already_verified" };
  const limiter = await getRateLimiter();
  const hit = await limiter.hit(`auth:verify-email:${input.userId}`, { limit: 1, windowMs: VERIFY_RESEND_COOLDOWN_MS });
  if (!hit.allowed) return { sent: false, reason: "cooldown", retryAfterSeconds: Math.max(1, Math.ceil(hit.retryAfterMs / 1000)) };
  const token = await issueToken({
    userId: input.userId,
    kind: TOKEN_KINDS.verifyEmail,
    ttlMinutes: VERIFY_TOKEN_TTL_MINUTES,
    meta: input.deviceId ? { deviceId: input.deviceId } : {},
  });
  const url = new URL("/verify-email", appOrigin());
  url.searchParams.set("token", token);
  try {
    await sendEmail({ to: user.email, kind: "verify_email", ...renderVerifyEmail({ locale: user.locale, name: user.name, link: url.toString() }) });
  } catch (error) {
    log().error({ err: error }, "verification email not sent");
  }
  return { sent: true };
}

export type VerifyResult = { ok: true; userId: string } | { ok: false; reason: TokenFailure };

/**
 * Uses a verification link: marks the address verified (which may make the ADMIN_EMAIL account the
 * admin) and trusts the registration device, atomically.
 */
export async function verifyEmail(input: { token: string; meta: Meta }): Promise<VerifyResult> {
  const db = await getDb();
  return db.transaction(async (tx): Promise<VerifyResult> => {
    const used = await consumeToken({ token: input.token, kind: TOKEN_KINDS.verifyEmail }, tx);
    if (!used.ok) return used;
    // May also make the ADMIN_EMAIL account the admin (lib/users markEmailVerified).
    const updated = await markEmailVerified(used.userId, input.meta, tx);
    if (!updated) return { ok: false, reason: "used" };
    if (used.meta.deviceId) await trustRegistrationDevice(used.userId, used.meta.deviceId, tx);
    await revokeTokens({ userId: used.userId, kind: TOKEN_KINDS.verifyEmail }, tx);
    await writeAudit(
      { action: "email.verified", actorId: used.userId, userId: used.userId, detail: used.meta.deviceId ? { device: used.meta.deviceId } : undefined, ip: input.meta.ip, userAgent: input.meta.userAgent },
      tx,
    );
    return { ok: true, userId: used.userId };
  });
}
