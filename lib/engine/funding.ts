import "server-only";
import Decimal from "decimal.js";
import { and, eq, inArray, lte, lt, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { exchangeAccounts, fills, fundingPayments, fundingReads, orders, strategies, strategyPositions, type ExchangeAccount } from "@/db/schema";
import type { ExchangeClient, FundingLine } from "@/lib/exchanges";

export const fundingTiming = {
  // The venue settles funding every 8 hours (some symbols 4 or 1): reading it every few minutes is plenty.
  everyMs: 10 * 60_000,
  // Binance's income history answers the last 7 days when not told otherwise.
  lookbackMs: 7 * 86_400_000,
  // The longest funding interval (8 hours) and a margin: an account that traded a perpetual within it may
  // still be paid or charged for a position it has since closed.
  afterTradeMs: 9 * 3_600_000,
};

/** Claims the account's funding read when it is due (one worker at a time, at most every `everyMs`). */
async function claimRead(accountId: string): Promise<boolean> {
  const db = await getDb();
  const now = new Date();
  const [claimed] = await db
    .insert(fundingReads)
    .values({ accountId, readAt: now })
    .onConflictDoUpdate({ target: fundingReads.accountId, set: { readAt: now }, setWhere: lt(fundingReads.readAt, new Date(now.getTime() - fundingTiming.everyMs)) })
    .returning({ accountId: fundingReads.accountId });
  return Boolean(claimed);
}

/** What each strategy held of a symbol at a moment, from its booked fills (signed base units). */
async function sizesAt(strategyIds: string[], symbol: string, at: number): Promise<Map<string, Decimal>> {
  const db = await getDb();
  const rows = await db
    .select({ strategyId: fills.strategyId, held: sql<string>`coalesce(sum(case when ${fills.side} = 'buy' then ${fills.amount} else -${fills.amount} end), 0)::text` })
    .from(fills)
    .where(and(inArray(fills.strategyId, strategyIds), eq(fills.symbol, symbol), lte(fills.at, new Date(at))))
    .groupBy(fills.strategyId);
  return new Map(rows.map((r) => [r.strategyId!, new Decimal(r.held)]));
}

/**
 * Splits one payment among the account's strategies on its symbol: all of it to the only one; among
 * several by what each held at the funding time (from the fill ledger), else by what each holds now,
 * else equally.
 */
async function shares(line: FundingLine, holders: { id: string; symbol: string; amount: string }[]): Promise<{ strategyId: string; amount: Decimal }[]> {
  const on = holders.filter((h) => h.symbol === line.symbol);
  if (on.length <= 1) return on.map((h) => ({ strategyId: h.id, amount: new Decimal(line.amount) }));
  const then = await sizesAt(
    on.map((h) => h.id),
    line.symbol,
    line.timestamp,
  );
  let sizes = on.map((h) => (then.get(h.id) ?? new Decimal(0)).abs());
  if (sizes.every((x) => x.isZero())) sizes = on.map((h) => new Decimal(h.amount).abs());
  const total = sizes.reduce((a, b) => a.add(b), new Decimal(0));
  return on
    .map((h, i) => ({ strategyId: h.id, amount: total.isZero() ? new Decimal(line.amount).div(on.length) : new Decimal(line.amount).mul(sizes[i]!).div(total) }))
    .filter((share) => !share.amount.isZero());
}

/**
 * Accounts whose funding read is due and that may be paid or charged funding: a perpetual strategy holds
 * a position, or traded within the last funding interval (a payment for a position closed since).
 */
export async function fundingDueAccounts(limit: number): Promise<ExchangeAccount[]> {
  const db = await getDb();
  const since = new Date(Date.now() - fundingTiming.afterTradeMs);
  const readBefore = new Date(Date.now() - fundingTiming.everyMs);
  return db
    .select()
    .from(exchangeAccounts)
    .where(
      and(
        eq(exchangeAccounts.active, true),
        sql`exists (select 1 from ${strategies} s left join ${strategyPositions} p on p.strategy_id = s.id where s.account_id = ${exchangeAccounts.id} and s.symbol like '%:%' and (coalesce(p.amount, 0) <> 0 or exists (select 1 from ${orders} o where o.strategy_id = s.id and o.updated_at > ${since.toISOString()}::timestamptz)))`,
        sql`not exists (select 1 from ${fundingReads} r where r.account_id = ${exchangeAccounts.id} and r.read_at >= ${readBefore.toISOString()}::timestamptz)`,
      ),
    )
    .limit(limit);
}

/**
 * Reads the account's funding payments and books each into its strategy's realized P&L, once: the
 * payment's row (unique per account, venue id and strategy) and the P&L move in one transaction, so a
 * payment read again, by this pass or another, books nothing. Answers how many were booked.
 */
export async function bookFunding(account: Pick<ExchangeAccount, "id">, client: ExchangeClient): Promise<number> {
  if (client.marketType !== "swap" || !client.fundingHistory) return 0;
  const db = await getDb();
  const holders = await db
    .select({ id: strategies.id, symbol: strategies.symbol, createdAt: strategies.createdAt, amount: sql<string>`coalesce(${strategyPositions.amount}, 0)::text` })
    .from(strategies)
    .leftJoin(strategyPositions, eq(strategyPositions.strategyId, strategies.id))
    .where(eq(strategies.accountId, account.id));
  if (holders.length === 0 || !(await claimRead(account.id))) return 0;
  const oldest = Math.min(...holders.map((h) => h.createdAt.getTime()));
  const since = Math.max(oldest, Date.now() - fundingTiming.lookbackMs);
  const lines = await client.fundingHistory({ since, symbols: holders.map((h) => h.symbol) });
  let booked = 0;
  for (const line of lines) {
    if (line.timestamp < oldest) continue;
    for (const share of await shares(line, holders)) {
      const strategy = holders.find((h) => h.id === share.strategyId)!;
      if (line.timestamp < strategy.createdAt.getTime() || share.amount.isZero()) continue;
      const done = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(fundingPayments)
          .values({ accountId: account.id, strategyId: share.strategyId, venueId: line.id, symbol: line.symbol, amount: share.amount.toFixed(), currency: line.currency, at: new Date(line.timestamp) })
          .onConflictDoNothing({ target: [fundingPayments.accountId, fundingPayments.venueId, fundingPayments.strategyId] })
          .returning({ id: fundingPayments.id });
        if (!row) return false;
        await tx.insert(strategyPositions).values({ strategyId: share.strategyId }).onConflictDoNothing();
        await tx
          .update(strategyPositions)
          .set({ realizedPnl: sql`${strategyPositions.realizedPnl} + ${share.amount.toFixed()}::numeric`, updatedAt: new Date() })
          .where(eq(strategyPositions.strategyId, share.strategyId));
        return true;
      });
      if (done) booked += 1;
    }
  }
  return booked;
}

/** What a strategy has received (positive) or paid (negative) in funding, in its quote currency. */
export async function fundingOf(strategyId: string): Promise<string> {
  const db = await getDb();
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${fundingPayments.amount}), 0)::text` })
    .from(fundingPayments)
    .where(and(eq(fundingPayments.strategyId, strategyId)));
  return new Decimal(row?.total ?? 0).toFixed();
}
