import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { signals } from "@/db/schema";
import { appKeyring } from "@/lib/crypto";
import { openSigningKey, schemeOf, sealSigningKey, type SignalKeyRow } from "./key-seal";
import { generateSignalSecret } from "./secrets";

/** A new secret (shown once) and the columns that store it: a fingerprint and the sealed secret, scheme v1. */
export function newSignalCredentials() {
  const { secret, hint } = generateSignalSecret();
  return { secret, columns: { ...sealSigningKey(secret, appKeyring()), signingScheme: "v1" as const, secretHint: hint } };
}

/** The HMAC key of signed deliveries (the secret; sha256(secret) for a legacy signal) and its scheme. */
export function signingKeyOf(row: SignalKeyRow) {
  return { key: openSigningKey(row, appKeyring()), scheme: schemeOf(row) };
}

let dummy: SignalKeyRow | undefined;

/**
 * The same work as signingKeyOf for a name that has no enabled signal, so an unknown name and a wrong
 * secret take about as long to refuse. Nobody knows this key: nothing verifies against it.
 */
export function dummySigningKey() {
  dummy ??= { ...sealSigningKey(generateSignalSecret().secret, appKeyring()), signingScheme: "v1" };
  return signingKeyOf(dummy);
}

/** Seals the key of a row from before sealing, once (a concurrent upgrade finds nothing left to do). */
export async function upgradeLegacyKey(signalId: string, row: SignalKeyRow, executor?: Pick<Database, "update">) {
  if (row.signingKeyEnc) return;
  const db = executor ?? (await getDb());
  await db
    .update(signals)
    .set({ ...sealSigningKey(row.secretHash, appKeyring()), signingScheme: "legacy" })
    .where(and(eq(signals.id, signalId), eq(signals.secretHash, row.secretHash), isNull(signals.signingKeyEnc)));
}
