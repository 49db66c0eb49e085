import "server-only";
import { and, asc, desc, eq, gte, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { equitySnapshots, exchangeAccounts, fills, strategies } from "../schema";

/**
 * The user's fill ledger as the FIFO P&L reads it (only the columns it needs), from the first fill:
 * a lot sold in a period may have been bought before it. Optionally one account's.
 */
export async function listLedger({ userId, accountId }: { userId: string; accountId?: string }) {
  const db = await getDb();
  const where: SQL[] = [eq(fills.userId, userId)];
  if (accountId) where.push(eq(fills.accountId, accountId));
  return db
    .select({
      orderId: fills.orderId,
      strategyId: fills.strategyId,
      accountId: fills.accountId,
      symbol: fills.symbol,
      side: fills.side,
      amount: fills.amount,
      quoteValue: fills.quoteValue,
      // Only the fee in the base asset (it shrinks the lot) and the quote-counted one: what the P&L needs.
      baseFee: sql<string | null>`${fills.fees} ->> split_part(${fills.symbol}, '/', 1)`,
      feeQuote: fills.feeQuote,
      at: fills.at,
    })
    .from(fills)
    .where(and(...where))
    .orderBy(asc(fills.at), asc(fills.id));
}

/** The names the breakdowns show: the user's accounts and strategies. */
export async function listStatisticsNames({ userId }: { userId: string }) {
  const db = await getDb();
  const [accounts, strategyRows] = await Promise.all([
    db
      .select({ id: exchangeAccounts.id, label: exchangeAccounts.label, exchange: exchangeAccounts.exchange })
      .from(exchangeAccounts)
      .where(eq(exchangeAccounts.userId, userId))
      .orderBy(asc(exchangeAccounts.createdAt)),
    db
      .select({ id: strategies.id, name: strategies.name, symbol: strategies.symbol, accountId: strategies.accountId })
      .from(strategies)
      .where(eq(strategies.userId, userId))
      .orderBy(asc(strategies.createdAt)),
  ]);
  return { accounts, strategies: strategyRows };
}

/** Each account's newest equity snapshot. */
export async function latestEquity({ userId, accountId }: { userId: string; accountId?: string }) {
  const db = await getDb();
  const where: SQL[] = [eq(equitySnapshots.userId, userId)];
  if (accountId) where.push(eq(equitySnapshots.accountId, accountId));
  return db
    .selectDistinctOn([equitySnapshots.accountId], {
      accountId: equitySnapshots.accountId,
      slot: equitySnapshots.slot,
      equityUsdt: equitySnapshots.equityUsdt,
      unpriced: equitySnapshots.unpriced,
    })
    .from(equitySnapshots)
    .where(and(...where))
    .orderBy(equitySnapshots.accountId, desc(equitySnapshots.slot));
}

/**
 * Each account's last snapshot in every hour or day since `since`: the curve needs one point per bucket,
 * not every 5-minute slot.
 */
export async function equityByBucket({ userId, accountId, since, bucket }: { userId: string; accountId?: string; since?: Date; bucket: "hour" | "day" }) {
  const db = await getDb();
  const where: SQL[] = [eq(equitySnapshots.userId, userId)];
  if (accountId) where.push(eq(equitySnapshots.accountId, accountId));
  if (since) where.push(gte(equitySnapshots.slot, since));
  const start = sql<Date>`date_trunc(${sql.raw(`'${bucket}'`)}, ${equitySnapshots.slot} at time zone 'UTC')`;
  const rows = await db
    .selectDistinctOn([equitySnapshots.accountId, start], {
      accountId: equitySnapshots.accountId,
      bucket: sql<string>`to_char(${start}, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
      equityUsdt: equitySnapshots.equityUsdt,
    })
    .from(equitySnapshots)
    .where(and(...where))
    .orderBy(equitySnapshots.accountId, start, desc(equitySnapshots.slot));
  return rows;
}

/**
 * Active accounts with no equity snapshot in `slot` yet, the longest unsnapshotted first (at most `limit`).
 */
export async function accountsDueForEquity({ slot, limit, userId }: { slot: Date; limit: number; userId?: string }) {
  const db = await getDb();
  return db
    .select({ id: exchangeAccounts.id, userId: exchangeAccounts.userId })
    .from(exchangeAccounts)
    .where(
      and(
        eq(exchangeAccounts.active, true),
        userId ? eq(exchangeAccounts.userId, userId) : undefined,
        sql`not exists (select 1 from ${equitySnapshots} e where e.account_id = ${exchangeAccounts.id} and e.slot = ${slot.toISOString()})`,
      ),
    )
    .orderBy(sql`(select max(e.slot) from ${equitySnapshots} e where e.account_id = ${exchangeAccounts.id}) asc nulls first`)
    .limit(limit);
}

/**
 * Writes an account's snapshot for a slot, once: a second writer of the same slot (two sync runs at
 * once) writes nothing. Only for an account of this user. True when this call wrote it.
 */
export async function saveEquitySnapshot(values: {
  userId: string;
  accountId: string;
  slot: Date;
  equityUsdt: string;
  balances: Record<string, { total: string; usdt: string | null }>;
  unpriced: string[];
}): Promise<boolean> {
  const db = await getDb();
  const [owned] = await db
    .select({ id: exchangeAccounts.id })
    .from(exchangeAccounts)
    .where(and(eq(exchangeAccounts.id, values.accountId), eq(exchangeAccounts.userId, values.userId)));
  if (!owned) return false;
  const written = await db
    .insert(equitySnapshots)
    .values(values)
    .onConflictDoNothing({ target: [equitySnapshots.accountId, equitySnapshots.slot] })
    .returning({ id: equitySnapshots.id });
  return written.length > 0;
}
