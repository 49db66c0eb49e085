import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { signals } from "@/db/schema";
import { appKeyring } from "@/lib/crypto";
import { openSigningKey, sealSigningKey, type SignalKeyRow } from "./key-seal";
import { generateSignalSecret } from "./secrets";

/** A new secret (shown once) and the columns that store it: a fingerprint and the sealed signing key. */
export function newSignalCredentials() {
  const { secret, hash: signingKey, hint } = generateSignalSecret();
  return { secret, columns: { ...sealSigningKey(signingKey, appKeyring()), secretHint: hint } };
}

/** sha256(secret): the HMAC key of signed deliveries, and what a secret in the body must hash to. */
export function signingKeyOf(row: SignalKeyRow): string {
  return openSigningKey(row, appKeyring());
}

/** Seals the key of a row from before sealing, once (a concurrent upgrade finds nothing left to do). */
export async function upgradeLegacyKey(signalId: string, row: SignalKeyRow, executor?: Pick<Database, "update">) {
  if (row.signingKeyEnc) return;
  const db = executor ?? (await getDb());
  await db
    .update(signals)
    .set(sealSigningKey(row.secretHash, appKeyring()))
    .where(and(eq(signals.id, signalId), eq(signals.secretHash, row.secretHash), isNull(signals.signingKeyEnc)));
}
