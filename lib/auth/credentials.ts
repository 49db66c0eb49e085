import "server-only";
import { writeAudit } from "@/db/queries/audit";
import { findUserForLogin, recordLogin } from "@/db/queries/users";
import { loginSchema } from "@/lib/validations/auth";
import { verifyPassword } from "./password";
import { beginAttempt } from "./attempts";
import { checkAccountRateLimit } from "./rate-limit";
import { checkSecondFactor, needsTwoFactorSetup } from "./two-factor";
import { cookieFromHeader } from "@/lib/cookies";
import { clientIp } from "@/lib/request";
import { env } from "@/lib/env";
import { getRateLimiter } from "@/lib/ratelimit";
import { DEVICE_COOKIE, deviceForLogin, isDeviceSecret, sendDeviceConfirmation, type LoginDevice } from "./devices";
import { countryFromHeaders } from "./user-agent";
import { log } from "@/lib/logger";
import { metrics } from "@/lib/metrics/registry";

/** The password was right and the account has 2FA: the sign-in needs a code (or the code was wrong). */
export class SecondFactorNeeded extends Error {
  constructor(public readonly reason: "required" | "invalid") {
    super(`second factor ${reason}`);
    this.name = "SecondFactorNeeded";
  }
}

/** Too many sign-in attempts for this email address, from anywhere: Auth.js turns it into "rate_limited". */
export class AccountThrottled extends Error {
  constructor(public readonly retryAfterSeconds: number) {
    super("account throttled");
    this.name = "AccountThrottled";
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
  country?: string;
  /** The device cookie the request carried, if any. */
  deviceCookie?: string | null;
}

export function metaFrom(request: Request | undefined): RequestInfo {
  const ip = request ? clientIp(request.headers) : null;
  const deviceCookie = request ? cookieFromHeader(request.headers.get("cookie"), DEVICE_COOKIE) : null;
  return {
    ip,
    userAgent: request?.headers.get("user-agent") ?? null,
    country: request ? countryFromHeaders(request.headers) : "unknown",
    deviceCookie,
  };
}

/** Emails "was this you?" for a waiting device, at most 3 times per 15 minutes per device. */
async function notifyDevice(userId: string, device: LoginDevice) {
  try {
    const limiter = await getRateLimiter();
    const hit = await limiter.hit(`auth:device-email:${device.id}`, { limit: 3, windowMs: 15 * 60_000 });
    if (!hit.allowed) return;
    // And per account: a password thief who drops the cookie each time must not flood the owner.
    const perUser = await limiter.hit(`auth:device-email-user:${userId}`, { limit: env().AUTH_DEVICE_EMAILS_PER_HOUR, windowMs: 60 * 60_000 });
    if (!perUser.allowed) return;
    await sendDeviceConfirmation({ userId, deviceId: device.id, reason: device.reason });
  } catch (error) {
    log({ userId }).warn({ err: error }, "device confirmation not sent");
  }
}

/**
 * The password check behind the credentials provider. Wrong password, unknown email and locked account
 * all answer null (one message, similar timing). The attempt is counted before the password is checked,
 * so a burst of parallel guesses cannot outrun the lock; the one that reaches the threshold locks the
 * account and emails its owner.
 */
export async function authorizeCredentials(raw: unknown, meta: RequestInfo) {
  const parsed = loginSchema.safeParse(raw);
  if (!parsed.success) return null;
  // Only these reach the audit log (never the device cookie).
  const audit = { ip: meta.ip, userAgent: meta.userAgent };
  const throttle = await checkAccountRateLimit(parsed.data.email);
  if (!throttle.allowed) {
    metrics().loginFailures.inc({ reason: "throttled" });
    throw new AccountThrottled(throttle.retryAfterSeconds);
  }
  const user = await findUserForLogin(parsed.data.email);
  const attempt = user ? await beginAttempt(user.id, audit, "password") : null;
  // Always verify (against a dummy hash when the email is unknown) so timing reveals nothing.
  const ok = await verifyPassword(user?.passwordHash, parsed.data.password);
  if (user && !attempt) {
    await writeAudit({ action: "login.locked", userId: user.id, ...audit });
    metrics().loginFailures.inc({ reason: "locked" });
    return null;
  }
  if (!user || !attempt || !ok) {
    await writeAudit({ action: "login.failure", userId: user?.id ?? null, ...audit });
    metrics().loginFailures.inc({ reason: "wrong_credentials" });
    await attempt?.fail();
    return null;
  }
  if (user.disabled || user.role === 0) {
    await attempt.release();
    await writeAudit({ action: "login.refused_disabled", userId: user.id, ...audit });
    throw new DisabledAccount();
  }
  const factor = await checkSecondFactor({ userId: user.id, code: parsed.data.code, meta: audit, attempt });
  if (factor === "required") await attempt.release();
  if (factor === "invalid" || factor === "locked") {
    metrics().loginFailures.inc({ reason: "second_factor" });
    await attempt.fail();
  }
  if (factor !== "ok" && factor !== "not_enrolled") throw new SecondFactorNeeded(factor === "required" ? "required" : "invalid");

  // The browser: the action's device cookie (a fresh browser gets one before signing in) or the request's.
  const raws = (raw ?? {}) as Record<string, unknown>;
  const secret = isDeviceSecret(raws.device) ? raws.device : (meta.deviceCookie ?? null);
  const device = await deviceForLogin({ userId: user.id, secret, meta: { ip: meta.ip, userAgent: meta.userAgent, country: meta.country } });
  if (device.status === "declined") {
    await attempt.release();
    // The owner said "No" to this browser: same answer as a wrong password.
    await writeAudit({ action: "login.refused_device", userId: user.id, detail: { device: device.id }, ...audit });
    return null;
  }
  const emailVerified = Boolean(user.emailVerifiedAt);
  // An unverified account's first device is trusted by the verification link instead.
  if (device.status === "pending" && emailVerified) await notifyDevice(user.id, device);

  await attempt.succeed();
  await recordLogin(user.id);
  // A sign-in from a device waiting for confirmation is held, not in: the trail says so.
  const held = device.status !== "trusted" || !emailVerified;
  await writeAudit({
    action: held ? "login.held" : "login.success",
    actorId: user.id,
    userId: user.id,
    detail: { device: device.id, ...(held ? { waitingFor: emailVerified ? "device" : "email" } : {}) },
    ...audit,
  });
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    sessionVersion: user.sessionVersion,
    deviceId: device.id,
    deviceTrusted: device.status === "trusted",
    emailIsVerified: emailVerified,
    remember: parsed.data.remember,
    twoFactorSetup: factor === "not_enrolled" && (await needsTwoFactorSetup(user.id, user.role)),
  };
}
