import "server-only";
import { writeAudit } from "@/db/queries/audit";
import { findUserForLogin, recordFailedLogin, recordLogin } from "@/db/queries/users";
import { env } from "@/lib/env";
import { loginSchema } from "@/lib/validations/auth";
import { verifyPassword } from "./password";
import { checkSecondFactor } from "./two-factor";
import { describeError } from "@/lib/log";

/** The password was right and the account has 2FA: the sign-in needs a code (or the code was wrong). */
export class SecondFactorNeeded extends Error {
  constructor(public readonly reason: "required" | "invalid") {
    super(`second factor ${reason}`);
    this.name = "SecondFactorNeeded";
  }
}

/** Thrown for a disabled account with the right password; Auth.js turns it into the "disabled" code. */
export class DisabledAccount extends Error {
  constructor() {
    super("account disabled");
    this.name = "DisabledAccount";
  }
}

export interface RequestInfo {
  ip: string | null;
  userAgent: string | null;
}

export function metaFrom(request: Request | undefined): RequestInfo {
  const ip = request?.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? null;
  return { ip, userAgent: request?.headers.get("user-agent") ?? null };
}

async function notifyLockout(user: { id: string; email: string; name: string; locale: string | null }, until: Date | null) {
  try {
    const { sendLockoutEmail } = await import("./lockout-email");
    await sendLockoutEmail(user, until);
  } catch (error) {
    console.warn("Lockout email not sent:", describeError(error));
  }
}

/**
 * The password check behind the credentials provider. Wrong password, unknown email and locked account
 * all answer null (one message, similar timing); the failure that reaches the threshold locks the
 * account and emails its owner.
 */
export async function authorizeCredentials(raw: unknown, meta: RequestInfo) {
  const parsed = loginSchema.safeParse(raw);
  if (!parsed.success) return null;
  const user = await findUserForLogin(parsed.data.email);
  // Always verify (against a dummy hash when the email is unknown) so timing reveals nothing.
  const ok = await verifyPassword(user?.passwordHash, parsed.data.password);
  if (user?.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    await writeAudit({ action: "login.locked", userId: user.id, ...meta });
    return null;
  }
  if (!user || !ok) {
    await writeAudit({ action: "login.failure", userId: user?.id ?? null, ...meta });
    if (user) {
      const { LOGIN_LOCKOUT_THRESHOLD, LOGIN_LOCKOUT_MINUTES } = env();
      const { lockedNow, lockedUntil } = await recordFailedLogin(user.id, LOGIN_LOCKOUT_THRESHOLD, LOGIN_LOCKOUT_MINUTES);
      if (lockedNow) {
        await writeAudit({ action: "login.lockout", userId: user.id, detail: { until: lockedUntil?.toISOString() }, ...meta });
        await notifyLockout(user, lockedUntil);
      }
    }
    return null;
  }
  if (user.disabled || user.role === 0) {
    await writeAudit({ action: "login.refused_disabled", userId: user.id, ...meta });
    throw new DisabledAccount();
  }
  const factor = await checkSecondFactor({ userId: user.id, code: parsed.data.code, meta });
  if (factor !== "ok" && factor !== "not_enrolled") throw new SecondFactorNeeded(factor);
  await recordLogin(user.id);
  await writeAudit({ action: "login.success", actorId: user.id, userId: user.id, ...meta });
  return { id: user.id, name: user.name, email: user.email, role: user.role, sessionVersion: user.sessionVersion };
}
