import "server-only";
import { and, desc, eq, gte, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { exchangeAccounts, fills, orders, strategies } from "../schema";
import type { ActivityFilters } from "./activity";
import { orderListFilter } from "./orders";

/** The fill ledger with the Orders page's filters: always the user's own fills. */
function fillFilter(opts: ActivityFilters): SQL | null {
  // Skipped signals have no fills.
  if (opts.status === "skipped" || opts.view === "skips") return null;
  const where: SQL[] = [eq(fills.userId, opts.userId), orderListFilter({ userId: opts.userId, status: opts.status })!];
  if (opts.accountId) where.push(eq(fills.accountId, opts.accountId));
  if (opts.strategyId) where.push(eq(fills.strategyId, opts.strategyId));
  if (opts.symbol) where.push(eq(fills.symbol, opts.symbol));
  if (opts.side) where.push(eq(fills.side, opts.side));
  if (opts.since) where.push(gte(fills.at, opts.since));
  return and(...where)!;
}

const fields = {
  id: fills.id,
  at: sql<string>`${fills.at}::text`,
  accountLabel: exchangeAccounts.label,
  strategyName: strategies.name,
  symbol: fills.symbol,
  side: fills.side,
  amount: fills.amount,
  price: fills.price,
  quoteValue: fills.quoteValue,
  fees: fills.fees,
  feeQuote: fills.feeQuote,
  orderType: orders.type,
  leg: orders.leg,
  orderStatus: orders.status,
  clientOrderId: orders.clientOrderId,
};

/** One keyset page of the ledger, newest first: the memory held is one page whatever the number of fills. */
export async function* fillLedgerBatches(opts: ActivityFilters, batchSize = 1000): AsyncGenerator<FillExportRow[]> {
  const filter = fillFilter(opts);
  if (!filter) return;
  const db = await getDb();
  let cursor: { at: string; id: number } | undefined;
  for (;;) {
    const rows = await db
      .select(fields)
      .from(fills)
      .innerJoin(orders, eq(orders.id, fills.orderId))
      .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, fills.accountId))
      .leftJoin(strategies, eq(strategies.id, fills.strategyId))
      // Spelled out (not a row comparison) so the (user_id, at) index bounds the scan.
      .where(cursor ? and(filter, sql`${fills.at} <= ${cursor.at}::timestamptz`, sql`(${fills.at} < ${cursor.at}::timestamptz or ${fills.id} < ${cursor.id})`) : filter)
      .orderBy(desc(fills.at), desc(fills.id))
      .limit(batchSize);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    cursor = { at: last.at, id: last.id };
  }
}

export interface FillExportRow {
  id: number;
  at: string;
  accountLabel: string;
  strategyName: string | null;
  symbol: string;
  side: "buy" | "sell";
  amount: string;
  price: string;
  quoteValue: string;
  fees: Record<string, string>;
  feeQuote: string;
  orderType: string;
  leg: string | null;
  orderStatus: string;
  clientOrderId: string;
}
