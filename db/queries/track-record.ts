import "server-only";
import { and, desc, eq, inArray } from "drizzle-orm";
import { getDb } from "../client";
import { signalEvents } from "../schema";

/** How many of a signal's latest deliveries the track record replays. */
export const REPLAY_DELIVERIES = 5_000;

/**
 * The real (not test) deliveries of each signal, oldest first, for the track record. Signals are public
 * to every trader who may follow them; a delivery carries no user's data.
 */
export async function deliveriesForReplay(signalIds: string[]) {
  if (signalIds.length === 0) return new Map<string, { action: string; symbol: string; price: string | null; at: Date }[]>();
  const db = await getDb();
  const out = new Map<string, { action: string; symbol: string; price: string | null; at: Date }[]>();
  await Promise.all(
    signalIds.map(async (signalId) => {
      const rows = await db
        .select({ action: signalEvents.action, symbol: signalEvents.symbol, price: signalEvents.price, at: signalEvents.receivedAt, seq: signalEvents.seq })
        .from(signalEvents)
        .where(and(eq(signalEvents.signalId, signalId), eq(signalEvents.test, false), inArray(signalEvents.action, ["buy", "sell", "close"])))
        .orderBy(desc(signalEvents.seq))
        .limit(REPLAY_DELIVERIES);
      out.set(signalId, rows.reverse().map(({ action, symbol, price, at }) => ({ action, symbol, price, at })));
    }),
  );
  return out;
}
