import "server-only";
import { getDb } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { releaseLoginAttempt, reserveLoginAttempt, settleLoginSuccess } from "@/db/queries/login-attempts";
import { findUserById } from "@/db/queries/users";
import { env } from "@/lib/env";
import { log } from "@/lib/logger";
import { metrics } from "@/lib/metrics/registry";

type Meta = { ip: string | null; userAgent: string | null };

/** One reserved attempt at a password or a second factor; its owner settles it exactly once. */
export interface Attempt {
  /** Wrong: it stays counted; the attempt that reached the threshold tells the owner of the lock. */
  fail(): Promise<void>;
  /** Right: the count starts again. */
  succeed(): Promise<void>;
  /** Neither (the password was right, a code is still to come): the count is given back. */
  release(): Promise<void>;
}

/**
 * The lock this attempt set stands (the attempt was wrong): its audit entry and its security event
 * (the bell and Telegram, through the outbox) are written in one transaction; the email below stays,
 * and cannot be turned off.
 */
async function recordLockout(userId: string, until: Date | null, detail: Record<string, unknown>, meta: Meta) {
  const { notifySecurity } = await import("@/lib/notifications/engine-events");
  const db = await getDb();
  await db.transaction(async (tx) => {
    await notifySecurity(tx, { userId, reason: "lockout", changeId: `${userId}:${until?.toISOString() ?? Date.now()}` });
    await writeAudit({ action: "login.lockout", userId, detail, ...meta }, tx);
  });
  try {
    const user = await findUserById(userId);
    const { sendLockoutEmail } = await import("./lockout-email");
    if (user) await sendLockoutEmail(user, until);
  } catch (error) {
    log({ userId }).warn({ err: error }, "lockout email not sent");
  }
}

/**
 * Reserves an attempt before the secret is checked (null while the account is locked). Wrong passwords,
 * wrong second factors and wrong codes on the 2FA settings page all count towards the same lockout.
 */
export async function beginAttempt(userId: string, meta: Meta, factor: "password" | "2fa"): Promise<Attempt | null> {
  const { LOGIN_LOCKOUT_THRESHOLD, LOGIN_LOCKOUT_MINUTES } = env();
  const reservation = await reserveLoginAttempt(userId, LOGIN_LOCKOUT_THRESHOLD, LOGIN_LOCKOUT_MINUTES);
  if (!reservation) return null;
  let settled = false;
  const once = (fn: () => Promise<void>) => async () => {
    if (settled) return;
    settled = true;
    await fn();
  };
  return {
    fail: once(async () => {
      if (!reservation.lockedNow) return;
      metrics().lockouts.inc();
      const detail = { until: reservation.lockedUntil?.toISOString(), ...(factor === "2fa" ? { factor } : {}) };
      await recordLockout(userId, reservation.lockedUntil, detail, meta);
    }),
    succeed: once(() => settleLoginSuccess(userId, reservation)),
    release: once(() => releaseLoginAttempt(userId, reservation, LOGIN_LOCKOUT_THRESHOLD)),
  };
}
