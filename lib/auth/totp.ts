import "server-only";
import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import { getSetting, raiseNumericSetting } from "@/db/queries/app-settings";

/**
 * TOTP (RFC 6238) as authenticator apps speak it: SHA-1, 6 digits, 30-second steps, a 160-bit Base32
 * secret. A code is accepted within one step either side of the server's clock, and only once: the last
 * accepted time step of each user is kept in app_settings and a code of that step or an earlier one is
 * refused.
 */
export const TOTP_ISSUER = "SignalBridge";
const PERIOD_SECONDS = 30;

export function lastStepKey(userId: string) {
  return `totp_last_step:${userId}`;
}

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret, period: PERIOD_SECONDS, digits: 6 });
}

/** The QR code as an SVG data URL, rendered here (the secret never leaves the server for a QR service). */
export async function totpQrDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}

/** The six digits of a code typed with spaces or a dash ("123 456"), or null if it is not a TOTP code. */
export function normalizeTotpCode(raw: string): string | null {
  const code = raw.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(code) ? code : null;
}

/**
 * The time step a code belongs to, within ±1 step of `now`, or null. Steps at or before `after` are
 * refused (replay protection).
 */
export async function matchTotpStep(
  secret: string,
  raw: string,
  opts: { after?: number | null; now?: number } = {},
): Promise<number | null> {
  const token = normalizeTotpCode(raw);
  if (!token) return null;
  const epoch = Math.floor((opts.now ?? Date.now()) / 1000);
  const after = typeof opts.after === "number" && Number.isSafeInteger(opts.after) && opts.after >= 0 ? opts.after : undefined;
  // Every step in the window is already used: nothing to check (and otplib refuses such a bound).
  if (after !== undefined && after >= Math.floor(epoch / PERIOD_SECONDS) + 1) return null;
  try {
    const result = await verify({ secret, token, epoch, period: PERIOD_SECONDS, epochTolerance: PERIOD_SECONDS, afterTimeStep: after });
    return result.valid && "timeStep" in result ? result.timeStep : null;
  } catch {
    return null;
  }
}

/**
 * Checks a user's code and uses it up. The step is recorded with a conditional upsert, so two requests
 * racing with the same code cannot both succeed.
 */
export async function acceptTotpCode(userId: string, secret: string, raw: string): Promise<boolean> {
  const last = await getSetting<unknown>(lastStepKey(userId), null);
  const step = await matchTotpStep(secret, raw, { after: typeof last === "number" ? last : null });
  if (step === null) return false;
  return raiseNumericSetting(lastStepKey(userId), step, userId);
}
