import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { and, eq, like } from "drizzle-orm";
import { generate } from "otplib";
import { getSetting, setSetting } from "@/db/queries/app-settings";
import { createUser } from "@/lib/users";
import { appSettings, auditLog, recoveryCodes, users } from "@/db/schema";
import { authorizeCredentials, SecondFactorNeeded } from "@/lib/auth/credentials";
import { hashPassword } from "@/lib/auth/password";
import { hashRecoveryCode } from "@/lib/auth/recovery-codes";
import { lastStepKey } from "@/lib/auth/totp";
import {
  checkSecondFactor,
  confirmEnrolment,
  disableTwoFactor,
  isTwoFactorRequiredFor,
  pendingKey,
  regenerateRecoveryCodes,
  startEnrolment,
} from "@/lib/auth/two-factor";
import { appKeyring, decryptSecret } from "@/lib/crypto";
import { reencryptTotpSecrets } from "@/lib/crypto/rotate";
import { keyringFrom } from "@/lib/crypto/secrets";
import { resetEnvForTests } from "@/lib/env";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
const meta = { ip: "198.51.100.20", userAgent: "vitest" };
const PASSWORD = "correct-horse-battery";
const EMAIL = "tess@example.com";
const CODE_SHAPE = /^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{2}$/;

let adminId = "";
let userId = "";
let secret = "";
let recovery: string[] = [];

/** The TOTP code of `offsetSteps` steps from now, computed like an authenticator app would. */
const codeAt = (offsetSteps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
const login = (code?: string, email = EMAIL) => authorizeCredentials({ email, password: PASSWORD, ...(code === undefined ? {} : { code }) }, meta);
const userRow = async (id = userId) => (await testDb.db.select().from(users).where(eq(users.id, id)))[0]!;
const auditActions = async (id = userId) => (await testDb.db.select().from(auditLog).where(eq(auditLog.userId, id))).map((a) => a.action);

async function expectSecondFactor(promise: Promise<unknown>, reason: "required" | "invalid") {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecondFactorNeeded);
  expect((error as SecondFactorNeeded).reason).toBe(reason);
}

/** A six-digit string that is none of the codes of the window around now. */
async function wrongCode() {
  const valid = new Set(await Promise.all([codeAt(-1), codeAt(0), codeAt(1)]));
  let n = 123456;
  while (valid.has(String(n).padStart(6, "0"))) n = (n + 1) % 1_000_000;
  return String(n).padStart(6, "0");
}

beforeAll(async () => {
  Object.assign(process.env, {
    AUTH_SECRET: "two-factor-auth-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: "two-factor-master-key-0123456789abcdefghijk",
    LOGIN_LOCKOUT_THRESHOLD: "5",
    LOGIN_LOCKOUT_MINUTES: "30",
    // This story signs the same account in many times a minute; the per-account limit is tested in lockout.test.ts.
    AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE: "1000",
  });
  resetEnvForTests();
  const passwordHash = await hashPassword(PASSWORD);
  adminId = (await createUser({ name: "Ada Admin", email: "ada@example.com", passwordHash, autoApprove: true })).id;
  userId = (await createUser({ name: "Tess", email: EMAIL, passwordHash, autoApprove: true })).id;
});

afterEach(() => {
  vi.useRealTimers();
});

describe("two-factor enrolment", () => {
  it("keeps the new secret pending and encrypted until it is confirmed", async () => {
    const started = await startEnrolment(userId, EMAIL);
    if (!started.ok) throw new Error("enrolment did not start");
    secret = started.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(started.uri);
    expect(uri.protocol).toBe("otpauth:");
    expect(`${uri.host}${decodeURIComponent(uri.pathname)}`).toBe("totp/SignalBridge:tess@example.com");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("SignalBridge");
    const pending = await getSetting<{ secretEnc: string; keyVersion: number } | null>(pendingKey(userId), null);
    expect(pending?.secretEnc).toBeTruthy();
    expect(JSON.stringify(pending)).not.toContain(secret);
    expect(decryptSecret(pending!.secretEnc, pending!.keyVersion, { userId, purpose: "totp" }, appKeyring())).toBe(secret);
    expect((await userRow()).totpSecretEnc).toBeNull();
    expect(await checkSecondFactor({ userId, code: undefined, meta })).toBe("not_enrolled");
    expect(await login()).toMatchObject({ id: userId });
  });

  it("refuses a wrong first code, then confirms with the app's code and returns ten recovery codes once", async () => {
    const before = (await userRow()).sessionVersion;
    expect(await confirmEnrolment(userId, await wrongCode(), meta)).toEqual({ ok: false, reason: "invalid" });
    const result = await confirmEnrolment(userId, await codeAt(0), meta);
    if (!result.ok) throw new Error(`confirm failed: ${result.reason}`);
    recovery = result.codes;
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    for (const code of recovery) expect(code).toMatch(CODE_SHAPE);

    const row = await userRow();
    expect(row.totpEnabledAt).toBeInstanceOf(Date);
    expect(row.totpSecretEnc).not.toContain(secret);
    expect(decryptSecret(row.totpSecretEnc!, row.totpKeyVersion!, { userId, purpose: "totp" }, appKeyring())).toBe(secret);
    // Enabling 2FA ends the user's other sessions.
    expect(row.sessionVersion).toBe(before + 1);

    // `npm run keys:rotate` re-seals the secret under a new master key; the old key still opens it until then.
    const current = appKeyring();
    const next = keyringFrom({ key: "the-next-master-key-0123456789abcdefgh", version: current.current + 1, previous: `${current.current}:${process.env.ENCRYPTION_KEY}` });
    expect(await reencryptTotpSecrets(testDb.db, next)).toEqual({ rotated: 1, failed: [] });
    const resealed = await userRow();
    expect(resealed.totpKeyVersion).toBe(current.current + 1);
    expect(decryptSecret(resealed.totpSecretEnc!, resealed.totpKeyVersion!, { userId, purpose: "totp" }, next)).toBe(secret);
    expect(await reencryptTotpSecrets(testDb.db, next)).toEqual({ rotated: 0, failed: [] });
    // Back under the app's key, so the rest of this story runs as configured.
    const back = keyringFrom({ key: process.env.ENCRYPTION_KEY!, version: current.current, previous: `${current.current + 1}:the-next-master-key-0123456789abcdefgh` });
    expect(await reencryptTotpSecrets(testDb.db, back)).toEqual({ rotated: 1, failed: [] });
    expect(decryptSecret((await userRow()).totpSecretEnc!, current.current, { userId, purpose: "totp" }, current)).toBe(secret);

    // Stored hashed: the database never holds a readable code.
    const stored = await testDb.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    expect(stored).toHaveLength(10);
    const dump = JSON.stringify(stored);
    for (const code of recovery) expect(dump).not.toContain(code);
    expect(stored.map((r) => r.codeHash).sort()).toEqual(recovery.map((c) => hashRecoveryCode(userId, c)).sort());

    expect(await getSetting(pendingKey(userId), null)).toBeNull();
    expect(await auditActions()).toContain("2fa.enabled");
    // Once only: a second confirmation neither succeeds nor hands out codes.
    expect(await confirmEnrolment(userId, await codeAt(1), meta)).toEqual({ ok: false, reason: "already_enabled" });
  });
});

describe("signing in with two-factor", () => {
  it("asks for a code after the right password, and refuses a wrong one", async () => {
    await expectSecondFactor(login(), "required");
    await expectSecondFactor(login(""), "required");
    await expectSecondFactor(login(await wrongCode()), "invalid");
    expect(await auditActions()).toContain("2fa.failure");
    // A wrong password still answers null, before any second factor.
    expect(await authorizeCredentials({ email: EMAIL, password: "wrong-password-000", code: await codeAt(1) }, meta)).toBeNull();
  });

  it("lets a valid code in once: the same code (or an older one) is refused afterwards", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    // The enrolment used this step's code; the app's next code is within the ±1 step window.
    const code = await codeAt(1);
    expect(await login(code)).toMatchObject({ id: userId });
    await expectSecondFactor(login(code), "invalid");
    await expectSecondFactor(login(await codeAt(0)), "invalid");
    const stored = await getSetting<number | null>(lastStepKey(userId), null);
    expect(stored).toBe(Math.floor(Date.now() / 1000 / 30) + 1);
  });

  it("refuses codes outside the ±1 step window", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 5 * 60_000 });
    await expectSecondFactor(login(await codeAt(-3)), "invalid");
    await expectSecondFactor(login(await codeAt(2)), "invalid");
    expect(await login(await codeAt(-1))).toMatchObject({ id: userId });
  });

  it("lets only one of two simultaneous sign-ins with the same code through", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10 * 60_000 });
    const code = await codeAt(0);
    const results = await Promise.all([checkSecondFactor({ userId, code, meta }), checkSecondFactor({ userId, code, meta })]);
    expect(results.sort()).toEqual(["invalid", "ok"]);
  });

  it("accepts a recovery code once and only once, typed in any case and without dashes", async () => {
    expect(await login(recovery[0])).toMatchObject({ id: userId });
    expect(await auditActions()).toContain("2fa.recovery_code_used");
    await expectSecondFactor(login(recovery[0]), "invalid");
    expect(await login(recovery[1]!.replace(/-/g, "").toUpperCase())).toMatchObject({ id: userId });
    await expectSecondFactor(login(recovery[1]), "invalid");
    await expectSecondFactor(login("abcd-efgh-jk"), "invalid");
    const used = await testDb.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    expect(used.filter((r) => r.usedAt)).toHaveLength(2);
  });

  it("counts wrong codes towards the lockout", async () => {
    const other = await createUser({ name: "Lock", email: "lock@example.com", passwordHash: await hashPassword(PASSWORD), autoApprove: true });
    const started = await startEnrolment(other.id, other.email);
    if (!started.ok) throw new Error("enrolment did not start");
    const otherCode = (offset: number) => generate({ secret: started.secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
    expect((await confirmEnrolment(other.id, await otherCode(0))).ok).toBe(true);
    const valid = new Set(await Promise.all([otherCode(-1), otherCode(0), otherCode(1)]));
    const wrong = ["111111", "222222", "333333", "444444", "555555", "666666", "777777"].filter((c) => !valid.has(c)).slice(0, 5);
    for (const code of wrong) await expectSecondFactor(login(code, other.email), "invalid");
    expect((await userRow(other.id)).lockedUntil?.getTime() ?? 0).toBeGreaterThan(Date.now());
    expect(await login(await otherCode(1), other.email)).toBeNull();
    expect(await auditActions(other.id)).toContain("login.lockout");
  });
});

describe("managing two-factor", () => {
  it("regenerates the recovery codes only with a valid code, and the old ones stop working", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 15 * 60_000 });
    expect(await regenerateRecoveryCodes(userId, { password: PASSWORD, code: await wrongCode() }, meta)).toEqual({ ok: false, reason: "invalid" });
    const result = await regenerateRecoveryCodes(userId, { password: PASSWORD, code: await codeAt(0) }, meta);
    if (!result.ok) throw new Error("regenerate failed");
    expect(result.codes).toHaveLength(10);
    await expectSecondFactor(login(recovery[2]), "invalid");
    recovery = result.codes;
    expect(await login(recovery[0])).toMatchObject({ id: userId });
  });

  it("turns off only with a valid code, and clears the secret, codes and replay state", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 20 * 60_000 });
    expect(await disableTwoFactor(userId, { password: PASSWORD, code: "" }, meta)).toEqual({ ok: false, reason: "invalid" });
    expect(await disableTwoFactor(userId, { password: PASSWORD, code: await wrongCode() }, meta)).toEqual({ ok: false, reason: "invalid" });
    expect((await userRow()).totpEnabledAt).not.toBeNull();
    expect(await disableTwoFactor(userId, { password: PASSWORD, code: await codeAt(0) }, meta)).toEqual({ ok: true });
    const row = await userRow();
    expect([row.totpSecretEnc, row.totpKeyVersion, row.totpEnabledAt]).toEqual([null, null, null]);
    expect(await testDb.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId))).toHaveLength(0);
    const left = await testDb.db.select().from(appSettings).where(like(appSettings.key, `%:${userId}`));
    expect(left).toHaveLength(0);
    expect(await auditActions()).toContain("2fa.disabled");
    expect(await login()).toMatchObject({ id: userId });
    expect(await disableTwoFactor(userId, { password: PASSWORD, code: await codeAt(0) }, meta)).toEqual({ ok: false, reason: "not_enrolled" });
  });
});

describe("codes on the settings page", () => {
  async function enrolled(email: string) {
    const user = await createUser({ name: "Set Tings", email, passwordHash: await hashPassword(PASSWORD), autoApprove: true });
    const started = await startEnrolment(user.id, email);
    if (!started.ok) throw new Error("enrolment did not start");
    const code = (offset: number) => generate({ secret: started.secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
    const confirmed = await confirmEnrolment(user.id, await code(0));
    if (!confirmed.ok) throw new Error("enrolment not confirmed");
    return { id: user.id, codes: confirmed.codes, code };
  }

  it("turning off and new recovery codes need the password as well as a code", async () => {
    const u = await enrolled("proof@example.com");
    expect(await disableTwoFactor(u.id, { password: "not-the-password", code: u.codes[0]! }, meta)).toEqual({ ok: false, reason: "invalid" });
    expect(await regenerateRecoveryCodes(u.id, { password: "not-the-password", code: u.codes[1]! }, meta)).toEqual({ ok: false, reason: "invalid" });
    expect((await userRow(u.id)).totpEnabledAt).not.toBeNull();
    // The codes were not used up by the refused attempts.
    expect((await regenerateRecoveryCodes(u.id, { password: PASSWORD, code: u.codes[1]! }, meta)).ok).toBe(true);
  });

  it("wrong codes there count towards the sign-in lockout, and a locked account cannot turn 2FA off", async () => {
    const u = await enrolled("settings-lock@example.com");
    for (let i = 0; i < 5; i++) {
      expect(await disableTwoFactor(u.id, { password: PASSWORD, code: `abcd-efgh-j${"kmnpq"[i]}` }, meta)).toEqual({ ok: false, reason: "invalid" });
    }
    expect((await userRow(u.id)).lockedUntil?.getTime() ?? 0).toBeGreaterThan(Date.now());
    expect(await auditActions(u.id)).toContain("login.lockout");
    expect((await disableTwoFactor(u.id, { password: PASSWORD, code: u.codes[0]! }, meta)).ok).toBe(false);
    expect((await userRow(u.id)).totpEnabledAt).not.toBeNull();
    // And signing in is refused too, even with the right password and code.
    expect(await login(u.codes[1], "settings-lock@example.com")).toBeNull();
  });

  it("is limited per user, even when every code is right", async () => {
    const u = await enrolled("settings-limit@example.com");
    let codes = u.codes;
    for (let i = 0; i < 5; i++) {
      const result = await regenerateRecoveryCodes(u.id, { password: PASSWORD, code: codes[0]! }, meta);
      if (!result.ok) throw new Error(`regenerate ${i} refused: ${result.reason}`);
      codes = result.codes;
    }
    expect(await regenerateRecoveryCodes(u.id, { password: PASSWORD, code: codes[0]! }, meta)).toEqual({ ok: false, reason: "rate_limited" });
    expect(await disableTwoFactor(u.id, { password: PASSWORD, code: codes[0]! }, meta)).toEqual({ ok: false, reason: "rate_limited" });
  });
});

describe("the admin requirement", () => {
  it("applies to admins only, and only when the setting is on", async () => {
    expect(await isTwoFactorRequiredFor(3)).toBe(false);
    await setSetting("require_2fa_admins", true, adminId);
    expect(await isTwoFactorRequiredFor(3)).toBe(true);
    expect(await isTwoFactorRequiredFor(2)).toBe(false);
    const [row] = await testDb.db.select().from(appSettings).where(and(eq(appSettings.key, "require_2fa_admins")));
    expect(row?.updatedBy).toBe(adminId);
    await setSetting("require_2fa_admins", false, adminId);
    expect(await isTwoFactorRequiredFor(3)).toBe(false);
  });
});
