import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { signals, type SigningScheme } from "@/db/schema";
import { decryptSecret, encryptSecret, type Keyring } from "@/lib/crypto/secrets";
import { sha256Hex } from "./secrets";

/**
 * Sealing of signal signing keys, with an explicit keyring (usable from scripts). The key senders sign
 * with (the secret; sha256(secret) for a legacy signal) is stored AES-256-GCM sealed under the master
 * key, and `secret_hash` then holds only a fingerprint of it: someone who reads the database cannot sign
 * a delivery.
 */
const CONTEXT = { userId: "signals", purpose: "signal_signing_key" };

export function keyFingerprint(signingKey: string): string {
  return sha256Hex(`fingerprint:${signingKey}`);
}

export function sealSigningKey(signingKey: string, keyring: Keyring) {
  const sealed = encryptSecret(signingKey, CONTEXT, keyring);
  return { secretHash: keyFingerprint(signingKey), signingKeyEnc: sealed.ciphertext, signingKeyVersion: sealed.keyVersion };
}

export type SignalKeyRow = {
  secretHash: string;
  signingKeyEnc: string | null;
  signingKeyVersion: number | null;
  signingScheme: SigningScheme;
};

/** How a signal's deliveries are signed; a row that was never sealed holds a legacy key whatever it says. */
export function schemeOf(row: SignalKeyRow): SigningScheme {
  return row.signingKeyEnc && row.signingScheme === "v1" ? "v1" : "legacy";
}

/** The HMAC key of a signal: unsealed, or (a row from before sealing) the stored hash itself. */
export function openSigningKey(row: SignalKeyRow, keyring: Keyring): string {
  if (!row.signingKeyEnc || row.signingKeyVersion === null) return row.secretHash;
  return decryptSecret(row.signingKeyEnc, row.signingKeyVersion, CONTEXT, keyring);
}

/** `npm run keys:rotate`: re-seals every signal key under the current master key, sealing legacy rows too. */
export async function resealSignalKeys(db: Database, keyring: Keyring): Promise<{ rotated: number; failed: string[] }> {
  const rows = await db
    .select({
      id: signals.id,
      secretHash: signals.secretHash,
      signingKeyEnc: signals.signingKeyEnc,
      signingKeyVersion: signals.signingKeyVersion,
      signingScheme: signals.signingScheme,
    })
    .from(signals);
  let rotated = 0;
  const failed: string[] = [];
  for (const row of rows) {
    if (row.signingKeyEnc && row.signingKeyVersion === keyring.current) continue;
    try {
      // Only while the row holds the key read: a secret regenerated meanwhile is left as it is, uncounted.
      const updated = await db
        .update(signals)
        .set({ ...sealSigningKey(openSigningKey(row, keyring), keyring), signingScheme: schemeOf(row) })
        .where(and(eq(signals.id, row.id), eq(signals.secretHash, row.secretHash)))
        .returning({ id: signals.id });
      rotated += updated.length;
    } catch {
      failed.push(row.id);
    }
  }
  return { rotated, failed };
}
