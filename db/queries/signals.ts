import "server-only";
import { asc, desc, eq } from "drizzle-orm";
import { getDb } from "../client";
import { signalDeliveries, signals, type SigningScheme } from "../schema";

/** What pages may see of a signal: never the secret's hash. */
const publicSignal = {
  id: signals.id,
  name: signals.name,
  description: signals.description,
  enabled: signals.enabled,
  secretHint: signals.secretHint,
  signingScheme: signals.signingScheme,
  createdAt: signals.createdAt,
  secretRotatedAt: signals.secretRotatedAt,
};

export async function listSignals() {
  const db = await getDb();
  return db.select(publicSignal).from(signals).orderBy(asc(signals.name));
}

export async function insertSignal(values: {
  name: string;
  description: string;
  secretHash: string;
  secretHint: string;
  signingKeyEnc: string;
  signingKeyVersion: number;
  signingScheme: SigningScheme;
  createdBy: string;
}) {
  const db = await getDb();
  const [row] = await db.insert(signals).values(values).onConflictDoNothing().returning(publicSignal);
  return row;
}

export async function updateSignal(
  id: string,
  values: Partial<{ enabled: boolean; secretHash: string; secretHint: string; signingKeyEnc: string; signingKeyVersion: number; signingScheme: SigningScheme; secretRotatedAt: Date }>,
) {
  const db = await getDb();
  const [row] = await db.update(signals).set(values).where(eq(signals.id, id)).returning(publicSignal);
  return row;
}

export async function recentDeliveries(limit = 30) {
  const db = await getDb();
  return db
    .select({
      id: signalDeliveries.id,
      signalName: signals.name,
      outcome: signalDeliveries.outcome,
      reason: signalDeliveries.reason,
      action: signalDeliveries.action,
      symbol: signalDeliveries.symbol,
      receivedAt: signalDeliveries.receivedAt,
    })
    .from(signalDeliveries)
    .innerJoin(signals, eq(signals.id, signalDeliveries.signalId))
    .orderBy(desc(signalDeliveries.receivedAt), desc(signalDeliveries.id))
    .limit(limit);
}
