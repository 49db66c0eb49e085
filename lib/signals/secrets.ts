import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { SigningScheme } from "@/db/schema/signals";

/**
 * Signal secrets and request signatures.
 *
 * A signal's secret is 32 random bytes (base64url), shown once and stored AES-256-GCM sealed
 * (lib/signals/key-seal.ts). Two ways to authenticate a delivery:
 * - TradingView cannot set headers, so its alerts carry the secret in the body (`"secret": "..."`).
 * - Programmatic senders sign instead and keep the secret off the wire, as Stripe and GitHub webhooks do:
 *     X-Signature: t=<unix seconds>,v1=<hex(HMAC-SHA256(secret, t + "." + rawBody))>
 *   or the same as two headers:
 *     X-Timestamp: <unix seconds>
 *     X-Signature: <hex(HMAC-SHA256(secret, X-Timestamp + "." + rawBody))>
 *   The timestamp must be within ±300 s of the server's clock.
 *
 * Signals created before the "v1" scheme ("legacy") were signed with sha256(secret) in lowercase hex as
 * the HMAC key; they keep working that way until their secret is rotated.
 */

export const SIGNATURE_WINDOW_SECONDS = 300;

export function sha256Hex(value: string | Buffer): string {
  return createHash("sha256").update(value).digest("hex");
}

/** A new secret, its hint, and `hash`: sha256(secret), what a legacy (unsealed) row stores. */
export function generateSignalSecret(): { secret: string; hash: string; hint: string } {
  const secret = randomBytes(32).toString("base64url");
  return { secret, hash: sha256Hex(secret), hint: secret.slice(-4) };
}

/** The HMAC key of a legacy signal: sha256(secret) in lowercase hex. */
export function legacySigningKey(secret: string): string {
  return sha256Hex(secret);
}

const HEX_256 = /^[0-9a-f]{64}$/i;

/** Whether a secret presented in a body is the signal's, in constant time; `key` is what its scheme signs with. */
export function presentedSecretMatches(given: string, key: string, scheme: SigningScheme): boolean {
  if (scheme === "legacy" && !HEX_256.test(key)) return false;
  const expected = scheme === "legacy" ? Buffer.from(key, "hex") : createHash("sha256").update(key).digest();
  return timingSafeEqual(createHash("sha256").update(given).digest(), expected);
}

/** hex(HMAC-SHA256(key, timestamp + "." + rawBody)): the v1 signature of a delivery. */
export function computeSignature(rawBody: string, timestamp: string, key: string): string {
  return createHmac("sha256", key).update(`${timestamp}.${rawBody}`).digest("hex");
}

/** The single Stripe-style header a sender may use instead of two: `t=<unix seconds>,v1=<hex>`. */
export function signatureHeader(rawBody: string, timestamp: string, key: string): string {
  return `t=${timestamp},v1=${computeSignature(rawBody, timestamp, key)}`;
}

export type SignatureCheck = { ok: true; signature: string } | { ok: false; message: string };

export const SIGNATURE_MISMATCH =
  'X-Signature does not match, or no enabled signal has this name: check the name in the URL and send hex(HMAC-SHA256(secret, timestamp + "." + raw body))';

/**
 * Splits X-Signature into its timestamp and candidate signatures: the `t=...,v1=...` form (several v1
 * entries allowed, as while a sender rotates), or a bare hex digest (optionally `sha256=`) with X-Timestamp.
 */
export function parseSignatureHeader(signature: string, timestampHeader: string | null | undefined) {
  const text = signature.trim();
  if (/(^|,)\s*t=/.test(text)) {
    const parts = text.split(",").map((part) => part.trim());
    const timestamp = parts.find((part) => part.startsWith("t="))?.slice(2) ?? "";
    const signatures = parts.filter((part) => part.startsWith("v1=")).map((part) => part.slice(3));
    return { timestamp, signatures, stripeStyle: true };
  }
  return { timestamp: timestampHeader?.trim() ?? "", signatures: [text.replace(/^sha256=/i, "")], stripeStyle: false };
}

/**
 * Checks a signed delivery, saying what is wrong (the timestamp or the signature). Every candidate is
 * compared in constant time; on success `signature` is the matching digest in lowercase hex.
 */
export function verifySignature(input: {
  rawBody: string;
  timestamp: string | null | undefined;
  signature: string;
  key: string;
  now: Date;
}): SignatureCheck {
  const { timestamp, signatures, stripeStyle } = parseSignatureHeader(input.signature, input.timestamp);
  if (!timestamp) {
    return {
      ok: false,
      message: stripeStyle
        ? "X-Signature needs t=<unix seconds>, e.g. t=1735689600,v1=<hex>"
        : "X-Timestamp header is required with X-Signature (unix seconds), or send X-Signature: t=<unix seconds>,v1=<hex>",
    };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, message: "The signature's timestamp must be unix time in whole seconds, e.g. 1735689600" };
  }
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (skew > SIGNATURE_WINDOW_SECONDS) {
    return {
      ok: false,
      message: `The signature's timestamp is ${skew} s away from the server clock (allowed ±${SIGNATURE_WINDOW_SECONDS} s): sign with the current time`,
    };
  }
  const expected = Buffer.from(computeSignature(input.rawBody, timestamp, input.key), "hex");
  let matched: string | null = null;
  for (const candidate of signatures) {
    if (HEX_256.test(candidate) && timingSafeEqual(Buffer.from(candidate, "hex"), expected)) matched = candidate.toLowerCase();
  }
  return matched ? { ok: true, signature: matched } : { ok: false, message: SIGNATURE_MISMATCH };
}

/** True when the signature is valid for this body and timestamp, and the timestamp is within the window. */
export function signatureMatches(rawBody: string, timestamp: string, signature: string, key: string, now: Date = new Date()): boolean {
  return verifySignature({ rawBody, timestamp, signature, key, now }).ok;
}
