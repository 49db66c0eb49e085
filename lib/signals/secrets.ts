import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Signal secrets and request signatures.
 *
 * A signal's secret is 32 random bytes (base64url), shown once. Its SHA-256 (hex) is the signing key,
 * stored sealed with AES-256-GCM (lib/signals/key-seal.ts); the plain secret is never stored.
 *
 * Two ways to authenticate a delivery:
 * - TradingView cannot set headers, so its alerts carry the secret in the body (`"secret": "..."`).
 * - Programmatic senders may sign instead and keep the secret off the wire:
 *     X-Timestamp: <unix seconds>
 *     X-Signature: hex(HMAC-SHA256(key, X-Timestamp + "." + rawBody))
 *   where key = sha256(secret) as a 64-character lowercase hex string (used as the ASCII key text).
 *   (The key is sha256(secret) so the server never needs the secret itself.) A sender computes it once:
 *     KEY=$(printf %s "$SECRET" | sha256sum | cut -d' ' -f1)
 *     SIG=$(printf %s "$TS.$BODY" | openssl dgst -sha256 -hmac "$KEY" | cut -d' ' -f2)
 *   The timestamp must be within ±300 s of the server's clock.
 */

export const SIGNATURE_WINDOW_SECONDS = 300;

export function sha256Hex(value: string | Buffer): string {
  return createHash("sha256").update(value).digest("hex");
}

export function generateSignalSecret(): { secret: string; hash: string; hint: string } {
  const secret = randomBytes(32).toString("base64url");
  return { secret, hash: sha256Hex(secret), hint: secret.slice(-4) };
}

const HEX_256 = /^[0-9a-f]{64}$/i;

/** Compares a presented secret with a stored SHA-256 hex hash in constant time. */
export function secretMatches(given: string, hash: string): boolean {
  if (!HEX_256.test(hash)) return false;
  const actual = createHash("sha256").update(given).digest();
  return timingSafeEqual(actual, Buffer.from(hash, "hex"));
}

/** The key a sender signs with: sha256(secret) in lowercase hex. */
export function signingKeyForSecret(secret: string): string {
  return sha256Hex(secret);
}

/** hex(HMAC-SHA256(secretHash, timestamp + "." + rawBody)): what a sender puts in X-Signature. */
export function computeSignature(rawBody: string, timestamp: string, secretHash: string): string {
  return createHmac("sha256", secretHash.toLowerCase()).update(`${timestamp}.${rawBody}`).digest("hex");
}

export type SignatureCheck = { ok: true } | { ok: false; message: string };

/** Checks X-Signature/X-Timestamp, saying what is wrong (the timestamp or the signature). */
export function verifySignature(input: {
  rawBody: string;
  timestamp: string | null | undefined;
  signature: string;
  secretHash: string;
  now: Date;
}): SignatureCheck {
  const timestamp = input.timestamp?.trim() ?? "";
  if (!timestamp) {
    return { ok: false, message: "X-Timestamp header is required with X-Signature (unix seconds)" };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, message: "X-Timestamp must be unix time in whole seconds, e.g. 1735689600" };
  }
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (skew > SIGNATURE_WINDOW_SECONDS) {
    return {
      ok: false,
      message: `X-Timestamp is ${skew} s away from the server clock (allowed ±${SIGNATURE_WINDOW_SECONDS} s): sign with the current time`,
    };
  }
  const presented = input.signature.trim().replace(/^sha256=/i, "");
  const expected = Buffer.from(computeSignature(input.rawBody, timestamp, input.secretHash), "hex");
  if (!HEX_256.test(presented) || !timingSafeEqual(Buffer.from(presented, "hex"), expected)) {
    return {
      ok: false,
      message: 'X-Signature does not match: send hex(HMAC-SHA256(sha256(secret) as hex, X-Timestamp + "." + raw body))',
    };
  }
  return { ok: true };
}

/** True when the signature is valid for this body and timestamp, and the timestamp is within the window. */
export function signatureMatches(
  rawBody: string,
  timestamp: string,
  signature: string,
  secretHash: string,
  now: Date = new Date(),
): boolean {
  return verifySignature({ rawBody, timestamp, signature, secretHash, now }).ok;
}
