import "server-only";
import { publishSessionVersion } from "./revocations";
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { writeAudit } from "@/db/queries/audit";
import { findUserForLogin } from "@/db/queries/users";
import { renderPasswordReset, sendEmail } from "@/lib/email";
import { appOrigin } from "@/lib/env";
import { getRateLimiter } from "@/lib/ratelimit";
import { hashPassword } from "./password";
import { consumeToken, hashToken, issueToken, peekToken, revokeTokens, TOKEN_KINDS, type TokenCheck } from "./tokens";
import { log } from "@/lib/logger";

export const RESET_TOKEN_TTL_MINUTES = 30;
/** Reset emails per account and window, whatever the number of IPs asking: no mail-bombing a victim. */
export const RESET_EMAILS_PER_WINDOW = 5;
const RESET_EMAIL_WINDOW_MS = 15 * 60_000;

type RequestInfo = { ip?: string | null; userAgent?: string | null };

/** Issues a 30-minute reset token and answers the link carrying it. */
async function createPasswordResetLink(userId: string): Promise<string> {
  const token = await issueToken({ userId, kind: TOKEN_KINDS.passwordReset, ttlMinutes: RESET_TOKEN_TTL_MINUTES });
  // APP_URL, never the request's Host or X-Forwarded-Host: a forged one would carry the token away.
  const url = new URL("/reset-password", appOrigin());
  url.searchParams.set("token", token);
  return url.toString();
}

/**
 * Handles "forgot password" for an address. It answers nothing: the caller shows the same message for
 * known and unknown addresses. The token, audit entry and email are made in `defer` when given (Next's
 * `after()`, so the response time does not depend on whether the account exists), else inline.
 */
export async function requestPasswordReset(
  input: { email: string; defer?: (task: () => Promise<void>) => void } & RequestInfo,
): Promise<void> {
  const user = await findUserForLogin(input.email);
  if (!user || user.disabled || user.role === 0) {
    // The same cheap work a real request does before it is deferred.
    hashToken(randomBytes(32).toString("base64url"));
    return;
  }
  const task = async () => {
    try {
      const limiter = await getRateLimiter();
      const hit = await limiter.hit(`auth:reset-email:${user.id}`, { limit: RESET_EMAILS_PER_WINDOW, windowMs: RESET_EMAIL_WINDOW_MS });
      if (!hit.allowed) {
        await writeAudit({ action: "password.reset_requested", userId: user.id, detail: { throttled: true }, ip: input.ip, userAgent: input.userAgent });
        return;
      }
      const link = await createPasswordResetLink(user.id);
      await writeAudit({ action: "password.reset_requested", userId: user.id, ip: input.ip, userAgent: input.userAgent });
      await sendEmail({
        to: user.email,
        kind: "password_reset",
        ...renderPasswordReset({ locale: user.locale, name: user.name, link, expiresMinutes: RESET_TOKEN_TTL_MINUTES }),
      });
    } catch (error) {
      // Never surfaced to the requester: an error only for existing accounts would reveal them.
      log().error({ err: error }, "password reset email not sent");
    }
  };
  if (input.defer) input.defer(task);
  else await task();
}

/** Whether a reset link is still good, for choosing between the form and the "expired" page. */
export function checkResetToken(token: string): Promise<TokenCheck> {
  return peekToken({ token, kind: TOKEN_KINDS.passwordReset });
}

export type ResetResult = { ok: true; userId: string } | { ok: false; reason: "invalid" | "expired" | "used" };

/**
 * Sets a new password from a reset link, in one transaction: uses the token up, stores the argon2id
 * hash, ends every session (sessionVersion + 1), clears the lockout, voids other reset links, audits.
 */
export async function resetPassword(input: { token: string; password: string } & RequestInfo): Promise<ResetResult> {
  const first = await checkResetToken(input.token);
  if (!first.ok) return first;
  // Hashing (~70 ms) happens before the transaction so the row lock is held only briefly.
  const passwordHash = await hashPassword(input.password);
  const db = await getDb();
  const result = await db.transaction(async (tx): Promise<ResetResult & { sessionVersion?: number }> => {
    const used = await consumeToken({ token: input.token, kind: TOKEN_KINDS.passwordReset }, tx);
    if (!used.ok) return used;
    const [user] = await tx
      .update(users)
      .set({
        passwordHash,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        failedLogins: 0,
        lockedUntil: null,
        updatedAt: new Date(),
      })
      .where(eq(users.id, used.userId))
      .returning({ id: users.id, sessionVersion: users.sessionVersion });
    if (!user) return { ok: false, reason: "invalid" };
    await revokeTokens({ userId: user.id, kind: TOKEN_KINDS.passwordReset }, tx);
    await writeAudit({ action: "password.reset", actorId: user.id, userId: user.id, ip: input.ip, userAgent: input.userAgent }, tx);
    return { ok: true, userId: user.id, sessionVersion: user.sessionVersion };
  });
  if (!result.ok) return result;
  await publishSessionVersion(result.userId, result.sessionVersion ?? 0);
  return { ok: true, userId: result.userId };
}
