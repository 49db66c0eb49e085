import "server-only";
import { and, asc, eq, gt, gte, lt, sql } from "drizzle-orm";
import { quoteOf, sumByQuote } from "@/lib/overview/pnl";
import { getDb } from "../client";
import { exchangeAccounts, realizedPnlEntries, strategies, strategyPositions } from "../schema";

/** The user's strategies that hold something, with what it cost (one query). */
export async function listOpenPositions({ userId }: { userId: string }) {
  const db = await getDb();
  return db
    .select({
      strategyId: strategies.id,
      strategyName: strategies.name,
      symbol: strategies.symbol,
      accountId: strategies.accountId,
      accountLabel: exchangeAccounts.label,
      exchange: exchangeAccounts.exchange,
      amount: strategyPositions.amount,
      costBasis: strategyPositions.costBasis,
      protection: strategyPositions.protection,
    })
    .from(strategyPositions)
    .innerJoin(strategies, eq(strategies.id, strategyPositions.strategyId))
    .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, strategies.accountId))
    .where(and(eq(strategies.userId, userId), gt(strategyPositions.amount, "0")))
    .orderBy(asc(strategies.createdAt));
}

/**
 * Realised P&L booked in [from, to) across the user's strategies, per quote asset: the sum of the
 * position's own changes (realized_pnl_entries), so it is exactly what the positions booked.
 */
export async function realizedPnlBetween({ userId, from, to }: { userId: string; from: Date; to: Date }) {
  const db = await getDb();
  const rows = await db
    .select({ symbol: strategies.symbol, amount: sql<string>`sum(${realizedPnlEntries.amount})::text` })
    .from(realizedPnlEntries)
    .innerJoin(strategies, eq(strategies.id, realizedPnlEntries.strategyId))
    .where(and(eq(strategies.userId, userId), gte(realizedPnlEntries.at, from), lt(realizedPnlEntries.at, to)))
    .groupBy(strategies.symbol);
  return sumByQuote(rows.map((r) => ({ quote: quoteOf(r.symbol), amount: r.amount })));
}
