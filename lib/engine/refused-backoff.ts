import "server-only";
import Decimal from "decimal.js";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { orders, type OrderLeg } from "@/db/schema";

/**
 * A protective order the venue refused (a stop's sell, a reduce-only close, a take-profit) is tried
 * again, but not on every monitor pass: the same refusal for the same order would add a rejected row
 * and spend the venue's budget every few seconds (a position closed by hand on the venue keeps its
 * reduce-only closes refused until the books are reconciled). After the n-th refusal in a row of that
 * very order (kind, amount, level), the next try waits `firstMs` × 2^(n-1), at most `maxMs`; the trader
 * sees the refusal meanwhile. Refusals older than `episodeMs` do not count (a new episode starts afresh),
 * nor do other kinds of order of the leg (a refused native stop or OCO never holds back our own stop).
 */
export const refusedBackoff = { firstMs: 30_000, maxMs: 5 * 60_000, episodeMs: 30 * 60_000 };

export interface LegHistory {
  /** Every row the strategy ever had for the leg (numbers the next client order id). */
  count: number;
  /** The latest few, newest first. */
  recent: { id: string; status: string; type: string; listClientOrderId: string | null; amount: string; price: string | null; triggerPrice: string | null; error: { code: string } | null; updatedAt: Date }[];
}

/** The leg's row count and latest rows, in one statement. */
export async function legHistory(strategyId: string, leg: OrderLeg): Promise<LegHistory> {
  const db = await getDb();
  const rows = await db
    .select({
      id: orders.id,
      status: orders.status,
      type: orders.type,
      listClientOrderId: orders.listClientOrderId,
      amount: orders.amount,
      price: orders.price,
      triggerPrice: orders.triggerPrice,
      error: orders.error,
      updatedAt: orders.updatedAt,
      total: sql<number>`(count(*) over ())::int`,
    })
    .from(orders)
    .where(and(eq(orders.strategyId, strategyId), eq(orders.leg, leg)))
    .orderBy(desc(orders.createdAt))
    .limit(8);
  return { count: Number(rows[0]?.total ?? 0), recent: rows };
}

/** What `refusedRecently` compares: an earlier row of the leg. */
export type LegRow = LegHistory["recent"][number];

/**
 * The code of the leg's last refusal of this very order while its back-off lasts (nothing is sent then),
 * else null. `same`: whether an earlier row was this order (its kind and level; other rows are passed
 * over); `exclude`: the row about to be sent.
 */
export function refusedRecently(history: LegHistory, amount: string, opts: { same: (row: LegRow) => boolean; exclude?: string }, now = Date.now()): string | null {
  const rows = history.recent.filter((r) => r.id !== opts.exclude && opts.same(r));
  let refusals = 0;
  for (const row of rows) {
    if (row.status !== "rejected" || !new Decimal(row.amount).eq(amount) || now - row.updatedAt.getTime() > refusedBackoff.episodeMs) break;
    refusals += 1;
  }
  if (refusals === 0) return null;
  const wait = Math.min(refusedBackoff.maxMs, refusedBackoff.firstMs * 2 ** (refusals - 1));
  if (now - rows[0]!.updatedAt.getTime() >= wait) return null;
  return rows[0]!.error?.code ?? "refused";
}
