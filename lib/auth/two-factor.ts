import "server-only";
import { publishSessionVersion } from "./revocations";
import { and, count, eq, gte, isNotNull, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { deleteSettings, getSetting, SETTINGS, setSetting } from "@/db/queries/app-settings";
import { writeAudit } from "@/db/queries/audit";
import { findPasswordHash } from "@/db/queries/login-attempts";
import { users } from "@/db/schema";
import { appKeyring, decryptSecret, encryptSecret } from "@/lib/crypto";
import { TOTP_PURPOSE } from "@/lib/crypto/rotate";
import { beginAttempt, type Attempt } from "./attempts";
import { verifyPassword } from "./password";
import { checkTwoFactorManageLimit } from "./rate-limit";
import { consumeRecoveryCode, countUnusedRecoveryCodes, deleteRecoveryCodes, replaceRecoveryCodes } from "./recovery-codes";
import { ROLES } from "./roles";
import { acceptTotpCode, lastStepKey, newTotpSecret, normalizeTotpCode, totpUri } from "./totp";
import { log } from "@/lib/logger";

export type SecondFactorResult = "ok" | "not_enrolled" | "required" | "invalid" | "locked";
type Meta = { ip: string | null; userAgent: string | null };

const PURPOSE = TOTP_PURPOSE;
/** A started but unconfirmed enrolment is forgotten after an hour. */
const PENDING_TTL_MS = 60 * 60 * 1000;
type Pending = { secretEnc: string; keyVersion: number; createdAt: string };

export function pendingKey(userId: string) {
  return `totp_pending:${userId}`;
}

async function loadFactor(userId: string) {
  const db = await getDb();
  const [row] = await db
    .select({ secretEnc: users.totpSecretEnc, keyVersion: users.totpKeyVersion, enabledAt: users.totpEnabledAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!row?.enabledAt || !row.secretEnc || row.keyVersion === null) return null;
  return { secretEnc: row.secretEnc, keyVersion: row.keyVersion, enabledAt: row.enabledAt };
}

function openSecret(userId: string, secretEnc: string, keyVersion: number): string | null {
  try {
    return decryptSecret(secretEnc, keyVersion, { userId, purpose: PURPOSE }, appKeyring());
  } catch (error) {
    // Fail closed for TOTP; recovery codes still work.
    log().error({ err: error }, "TOTP secret not readable");
    return null;
  }
}

/** Checks a TOTP or recovery code of an enrolled user and uses it up; answers which kind it was. */
async function redeemCode(userId: string, factor: { secretEnc: string; keyVersion: number }, code: string) {
  if (normalizeTotpCode(code)) {
    const secret = openSecret(userId, factor.secretEnc, factor.keyVersion);
    return secret && (await acceptTotpCode(userId, secret, code)) ? ("totp" as const) : null;
  }
  return (await consumeRecoveryCode(userId, code)) ? ("recovery" as const) : null;
}

/**
 * Called after a correct password. Answers "not_enrolled" when the user has no 2FA, "required" when a
 * code is needed and none was given, "invalid" for a wrong or used code, "ok" for a good one, "locked"
 * when the account is locked. A code is counted before it is checked: the caller's attempt (a sign-in
 * counts password and code once), or one reserved here, which this function then settles.
 */
export async function checkSecondFactor(input: { userId: string; code: string | undefined; meta: Meta; attempt?: Attempt }): Promise<SecondFactorResult> {
  const { userId, meta } = input;
  const factor = await loadFactor(userId);
  if (!factor) return "not_enrolled";
  const code = input.code?.trim();
  if (!code) return "required";
  const own = input.attempt ? null : await beginAttempt(userId, meta, "2fa");
  if (!input.attempt && !own) return "locked";
  const used = await redeemCode(userId, factor, code);
  if (used === "recovery") {
    const remaining = await countUnusedRecoveryCodes(userId);
    await writeAudit({ action: "2fa.recovery_code_used", actorId: userId, userId, detail: { remaining }, ...meta });
  }
  if (used) {
    await own?.succeed();
    return "ok";
  }
  await writeAudit({ action: "2fa.failure", userId, detail: { context: "login" }, ...meta });
  await own?.fail();
  return "invalid";
}

export async function isTwoFactorEnabled(userId: string): Promise<boolean> {
  return (await loadFactor(userId)) !== null;
}

export async function getTwoFactorStatus(userId: string) {
  const factor = await loadFactor(userId);
  return {
    enabled: factor !== null,
    enabledAt: factor?.enabledAt ?? null,
    remainingCodes: factor ? await countUnusedRecoveryCodes(userId) : 0,
  };
}

/** Whether the platform asks users of this role to have 2FA (admins, when the admin setting is on). */
export async function isTwoFactorRequiredFor(role: number): Promise<boolean> {
  if (role < ROLES.admin) return false;
  return (await getSetting<unknown>(SETTINGS.require2faAdmins, false)) === true;
}

/** An admin the platform requires 2FA of, who has none yet: only the 2FA set-up is open to them. */
export async function needsTwoFactorSetup(userId: string, role: number | undefined): Promise<boolean> {
  if (typeof role !== "number" || !(await isTwoFactorRequiredFor(role))) return false;
  return !(await isTwoFactorEnabled(userId));
}

/** Admins in total and with 2FA on, for the admin settings page. */
export async function adminTwoFactorCoverage() {
  const db = await getDb();
  const [row] = await db
    .select({ total: count(), enrolled: count(users.totpEnabledAt) })
    .from(users)
    .where(and(gte(users.role, ROLES.admin), eq(users.disabled, false)));
  return { total: row?.total ?? 0, enrolled: row?.enrolled ?? 0 };
}

/** Starts (or restarts) an enrolment: a new secret, kept encrypted in app_settings until confirmed. */
export async function startEnrolment(userId: string, email: string): Promise<{ ok: true; secret: string; uri: string } | { ok: false }> {
  if (await loadFactor(userId)) return { ok: false };
  const secret = newTotpSecret();
  const sealed = encryptSecret(secret, { userId, purpose: PURPOSE }, appKeyring());
  const value: Pending = { secretEnc: sealed.ciphertext, keyVersion: sealed.keyVersion, createdAt: new Date().toISOString() };
  await setSetting(pendingKey(userId), value, userId);
  return { ok: true, secret, uri: totpUri(secret, email) };
}

async function loadPending(userId: string): Promise<(Pending & { secret: string }) | null> {
  const value = await getSetting<Partial<Pending> | null>(pendingKey(userId), null);
  if (!value?.secretEnc || typeof value.keyVersion !== "number" || !value.createdAt) return null;
  if (Date.now() - new Date(value.createdAt).getTime() > PENDING_TTL_MS) return null;
  const secret = openSecret(userId, value.secretEnc, value.keyVersion);
  return secret ? { secretEnc: value.secretEnc, keyVersion: value.keyVersion, createdAt: value.createdAt, secret } : null;
}

/** The enrolment in progress (secret and otpauth URI), or null. */
export async function getPendingEnrolment(userId: string, email: string) {
  const pending = await loadPending(userId);
  return pending ? { secret: pending.secret, uri: totpUri(pending.secret, email) } : null;
}

export async function cancelEnrolment(userId: string) {
  await deleteSettings([pendingKey(userId)]);
}

export type EnrolmentResult = { ok: true; codes: string[]; sessionVersion: number } | { ok: false; reason: "no_pending" | "invalid" | "already_enabled" };

/**
 * Confirms an enrolment with a first code from the app: stores the secret on the user, creates ten
 * recovery codes (answered this once), and bumps the session version so the user's other sessions end.
 */
export async function confirmEnrolment(userId: string, code: string, meta: Meta = { ip: null, userAgent: null }): Promise<EnrolmentResult> {
  if (await loadFactor(userId)) return { ok: false, reason: "already_enabled" };
  const pending = await loadPending(userId);
  if (!pending) return { ok: false, reason: "no_pending" };
  if (!(await acceptTotpCode(userId, pending.secret, code))) {
    await writeAudit({ action: "2fa.failure", actorId: userId, userId, detail: { context: "enrol" }, ...meta });
    return { ok: false, reason: "invalid" };
  }
  const db = await getDb();
  const result = await db.transaction(async (tx): Promise<EnrolmentResult> => {
    const [updated] = await tx
      .update(users)
      .set({
        totpSecretEnc: pending.secretEnc,
        totpKeyVersion: pending.keyVersion,
        totpEnabledAt: new Date(),
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(users.id, userId), isNull(users.totpEnabledAt)))
      .returning({ id: users.id, sessionVersion: users.sessionVersion });
    if (!updated) return { ok: false, reason: "already_enabled" };
    const codes = await replaceRecoveryCodes(userId, tx);
    await deleteSettings([pendingKey(userId)], tx);
    await writeAudit({ action: "2fa.enabled", actorId: userId, userId, ...meta }, tx);
    return { ok: true, codes, sessionVersion: updated.sessionVersion };
  });
  // The user's other sessions end; with Redis, the middleware refuses them without a database call.
  if (result.ok) await publishSessionVersion(userId, result.sessionVersion);
  return result;
}

export type CodeCheckedResult<T> = ({ ok: true } & T) | { ok: false; reason: "not_enrolled" | "invalid" | "locked" | "rate_limited" };
type Proof = { password: string; code: string };

/**
 * The gate of the 2FA settings page: the account's password and a current code (TOTP or recovery),
 * limited per user, and counted towards the sign-in lockout like a wrong code at sign-in.
 */
async function withCurrentCode<T>(userId: string, proof: Proof, context: string, meta: Meta, then: (via: "totp" | "recovery") => Promise<T>): Promise<CodeCheckedResult<T>> {
  const factor = await loadFactor(userId);
  if (!factor) return { ok: false, reason: "not_enrolled" };
  if (!(await checkTwoFactorManageLimit(userId)).allowed) return { ok: false, reason: "rate_limited" };
  const attempt = await beginAttempt(userId, meta, "2fa");
  if (!attempt) return { ok: false, reason: "locked" };
  const passwordOk = await verifyPassword(await findPasswordHash(userId), proof.password);
  const code = proof.code.trim();
  const via = passwordOk && code ? await redeemCode(userId, factor, code) : null;
  if (!via) {
    await writeAudit({ action: "2fa.failure", actorId: userId, userId, detail: { context, ...(passwordOk ? {} : { password: "wrong" }) }, ...meta });
    await attempt.fail();
    return { ok: false, reason: "invalid" };
  }
  await attempt.succeed();
  return { ok: true, ...(await then(via)) };
}

/** Turns 2FA off with the password and a current TOTP code (or a recovery code): secret, codes and replay state go. */
export async function disableTwoFactor(userId: string, proof: Proof, meta: Meta = { ip: null, userAgent: null }) {
  return withCurrentCode(userId, proof, "disable", meta, async (via) => {
    const db = await getDb();
    await db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({ totpSecretEnc: null, totpKeyVersion: null, totpEnabledAt: null, updatedAt: new Date() })
        .where(and(eq(users.id, userId), isNotNull(users.totpEnabledAt)));
      await deleteRecoveryCodes(userId, tx);
      await deleteSettings([pendingKey(userId), lastStepKey(userId)], tx);
      await writeAudit({ action: "2fa.disabled", actorId: userId, userId, detail: { via }, ...meta }, tx);
    });
    return {};
  });
}

/** Replaces the recovery codes (needs the password and a current code) and answers the new ones, this once. */
export async function regenerateRecoveryCodes(userId: string, proof: Proof, meta: Meta = { ip: null, userAgent: null }) {
  return withCurrentCode(userId, proof, "regenerate", meta, async (via) => {
    const db = await getDb();
    return db.transaction(async (tx) => {
      const codes = await replaceRecoveryCodes(userId, tx);
      await writeAudit({ action: "2fa.recovery_codes_regenerated", actorId: userId, userId, detail: { via }, ...meta }, tx);
      return { codes };
    });
  });
}
