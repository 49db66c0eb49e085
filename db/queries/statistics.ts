import "server-only";
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { equitySnapshots, exchangeAccounts, fifoBooks, fills, strategies } from "../schema";

const quoteOfFill = sql<string>`split_part(split_part(${fills.symbol}, '/', 2), ':', 1)`;

/** `db.execute()` yields `{ rows }` on PGlite and an array (RowList) on postgres.js. */
async function executeRows<T>(query: SQL): Promise<T[]> {
  const db = await getDb();
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Realized P&L in [from, to) per market (summed by quote asset by the caller). */
export async function realizedBySymbolBetween({ userId, from, to, strategyIds }: { userId: string; from?: Date; to?: Date; strategyIds?: string[] }) {
  const db = await getDb();
  const where: SQL[] = [eq(fills.userId, userId), isNotNull(fills.realizedPnl)];
  if (from) where.push(gte(fills.at, from));
  if (to) where.push(lt(fills.at, to));
  if (strategyIds) where.push(strategyIds.length ? inArray(fills.strategyId, strategyIds) : sql`false`);
  return db
    .select({ strategyId: fills.strategyId, symbol: fills.symbol, pnl: sql<string>`sum(${fills.realizedPnl})::text` })
    .from(fills)
    .where(and(...where))
    .groupBy(fills.strategyId, fills.symbol);
}

/** Realized P&L per quote asset, in all and since each of `since`: the page's totals and its other quotes. */
export async function realizedByQuote({ userId, accountId, since }: { userId: string; accountId?: string; since: Record<string, Date> }) {
  const db = await getDb();
  const columns: Record<string, SQL<string>> = { quote: quoteOfFill, all: sql<string>`sum(${fills.realizedPnl})::text` };
  for (const [key, from] of Object.entries(since)) columns[key] = sql<string>`coalesce(sum(${fills.realizedPnl}) filter (where ${fills.at} >= ${from.toISOString()}::timestamptz), 0)::text`;
  const where: SQL[] = [eq(fills.userId, userId), isNotNull(fills.realizedPnl)];
  if (accountId) where.push(eq(fills.accountId, accountId));
  const rows = await db
    .select(columns)
    .from(fills)
    .where(and(...where))
    .groupBy(quoteOfFill);
  return rows as Record<string, string>[];
}

/** What the figures of a book (a strategy's or an account's manual orders', in one symbol) sum from. */
export interface BookPeriodSums {
  strategyId: string | null;
  accountId: string;
  symbol: string;
  fills: number;
  fees: string;
  realized: string;
  /** Closing orders (a sell filled in parts is one) and those that made something. */
  trades: number;
  wins: number;
  grossProfit: string;
  grossLoss: string;
}

/** Each book's sums over the fills since `since` (one row per book that has any). */
export async function bookPeriodSums({ userId, accountId, since }: { userId: string; accountId?: string; since?: Date }): Promise<BookPeriodSums[]> {
  const where: SQL[] = [eq(fills.userId, userId)];
  if (accountId) where.push(eq(fills.accountId, accountId));
  if (since) where.push(gte(fills.at, since));
  const rows = await executeRows<Record<string, string | number | null>>(sql`
    with f as (
      select ${fills.strategyId} as strategy_id, ${fills.accountId} as account_id, ${fills.symbol} as symbol, ${fills.orderId} as order_id,
        ${fills.realizedPnl} as pnl, ${fills.feeQuote} as fee
      from ${fills} where ${and(...where)}
    ),
    o as (select strategy_id, account_id, symbol, order_id, sum(pnl) as pnl from f where pnl is not null group by 1, 2, 3, 4),
    w as (
      select strategy_id, account_id, symbol, count(*)::int as trades, (count(*) filter (where pnl > 0))::int as wins,
        coalesce(sum(pnl) filter (where pnl > 0), 0)::text as gross_profit, coalesce(-sum(pnl) filter (where pnl <= 0), 0)::text as gross_loss
      from o group by 1, 2, 3
    ),
    g as (select strategy_id, account_id, symbol, count(*)::int as fills, sum(fee)::text as fees, coalesce(sum(pnl), 0)::text as realized from f group by 1, 2, 3)
    select g.strategy_id::text as strategy_id, g.account_id::text as account_id, g.symbol, g.fills, g.fees, g.realized,
      coalesce(w.trades, 0) as trades, coalesce(w.wins, 0) as wins, coalesce(w.gross_profit, '0') as gross_profit, coalesce(w.gross_loss, '0') as gross_loss
    from g left join w on w.strategy_id is not distinct from g.strategy_id and w.account_id = g.account_id and w.symbol = g.symbol
  `);
  return rows.map((r) => ({
    strategyId: (r.strategy_id as string | null) ?? null,
    accountId: String(r.account_id),
    symbol: String(r.symbol),
    fills: Number(r.fills),
    fees: String(r.fees),
    realized: String(r.realized),
    trades: Number(r.trades),
    wins: Number(r.wins),
    grossProfit: String(r.gross_profit),
    grossLoss: String(r.gross_loss),
  }));
}

/** A book's key in `periodRealizations`: `<strategy id or empty>|<account id>|<symbol>`. */
export const periodBookKey = (b: { strategyId: string | null; accountId: string; symbol: string }) => `${b.strategyId ?? ""}|${b.accountId}|${b.symbol}`;

/**
 * Every fill since `since` that realized something, in the order they happened: its book, its UTC day
 * (days since 1970) and what it realized. The running sums (drawdowns, daily bars) are made of these.
 */
export async function periodRealizations({ userId, accountId, since }: { userId: string; accountId?: string; since?: Date }) {
  const db = await getDb();
  const where: SQL[] = [eq(fills.userId, userId), isNotNull(fills.realizedPnl)];
  if (accountId) where.push(eq(fills.accountId, accountId));
  if (since) where.push(gte(fills.at, since));
  return db
    .select({
      book: sql<string>`coalesce(${fills.strategyId}::text, '') || '|' || ${fills.accountId}::text || '|' || ${fills.symbol}`,
      day: sql<number>`floor(extract(epoch from ${fills.at}) / 86400)::int`,
      pnl: sql<string>`${fills.realizedPnl}::text`,
    })
    .from(fills)
    .where(and(...where))
    .orderBy(asc(fills.at), asc(fills.id));
}

/** The open FIFO lots of the user's books (or one account's), as last worked out. */
export async function openFifoBooks({ userId, accountId }: { userId: string; accountId?: string }) {
  const db = await getDb();
  const where: SQL[] = [eq(fifoBooks.userId, userId), sql`jsonb_array_length(${fifoBooks.lots}) > 0`];
  if (accountId) where.push(eq(fifoBooks.accountId, accountId));
  return db
    .select({ strategyId: fifoBooks.strategyId, accountId: fifoBooks.accountId, symbol: fifoBooks.symbol, lots: fifoBooks.lots })
    .from(fifoBooks)
    .where(and(...where))
    .orderBy(asc(fifoBooks.book));
}

/** Whether the user (or one of their accounts) has any fill in the ledger. */
export async function hasFills({ userId, accountId }: { userId: string; accountId?: string }) {
  const db = await getDb();
  const where: SQL[] = [eq(fills.userId, userId)];
  if (accountId) where.push(eq(fills.accountId, accountId));
  const rows = await db.select({ id: fills.id }).from(fills).where(and(...where)).limit(1);
  return rows.length > 0;
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
