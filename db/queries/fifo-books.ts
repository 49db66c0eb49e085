import "server-only";
import { and, asc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { getDb, type Database } from "../client";
import { fifoBooks, fills, type FifoLotValue } from "../schema";

export type LedgerTx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Runs `work` in a transaction holding the user's ledger lock: one writer of a user's FIFO books at a
 * time (two page loads at once: the second finds the first's work done).
 */
export async function withLedgerLock<T>(userId: string, work: (tx: LedgerTx) => Promise<T>): Promise<T> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`fifo:${userId}`}, 0))`);
    return work(tx);
  });
}

const fifoColumns = {
  id: fills.id,
  strategyId: fills.strategyId,
  accountId: fills.accountId,
  symbol: fills.symbol,
  side: fills.side,
  amount: fills.amount,
  quoteValue: fills.quoteValue,
  feeQuote: fills.feeQuote,
  // Only the fee in the base asset (it shrinks the lot) and the quote-counted one: what the FIFO needs.
  baseFee: sql<string | null>`${fills.fees} ->> split_part(${fills.symbol}, '/', 1)`,
  at: fills.at,
};

export type FifoFillRow = { id: number; strategyId: string | null; accountId: string; symbol: string; side: "buy" | "sell"; amount: string; quoteValue: string; feeQuote: string; baseFee: string | null; at: Date };

/** The user's fills whose realized P&L is not worked out yet, in the order they happened. */
export async function pendingFifoFills(tx: LedgerTx, userId: string): Promise<FifoFillRow[]> {
  return tx
    .select(fifoColumns)
    .from(fills)
    .where(and(eq(fills.userId, userId), eq(fills.fifoBooked, false)))
    .orderBy(asc(fills.at), asc(fills.id));
}

/** Every fill of one book (a strategy's, or an account's manual orders', in a symbol), in order. */
export async function bookFifoFills(tx: LedgerTx, book: { userId: string; strategyId: string | null; accountId: string; symbol: string }): Promise<FifoFillRow[]> {
  const owner: SQL = book.strategyId ? eq(fills.strategyId, book.strategyId) : and(isNull(fills.strategyId), eq(fills.accountId, book.accountId))!;
  return tx
    .select(fifoColumns)
    .from(fills)
    .where(and(eq(fills.userId, book.userId), eq(fills.symbol, book.symbol), owner))
    .orderBy(asc(fills.at), asc(fills.id));
}

export async function loadFifoBooks(tx: LedgerTx, userId: string, books: string[]) {
  if (books.length === 0) return [];
  return tx.select().from(fifoBooks).where(and(eq(fifoBooks.userId, userId), inArray(fifoBooks.book, books)));
}

const CHUNK = 4_000;

/** Stores each fill's realized P&L (null: it closed nothing) and marks it worked out. */
export async function saveFillPnl(tx: LedgerTx, rows: { id: number; realizedPnl: string | null }[]) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const values = sql.join(
      rows.slice(i, i + CHUNK).map((r) => sql`(${r.id}::bigint, ${r.realizedPnl}::numeric)`),
      sql`, `,
    );
    await tx.execute(sql`update ${fills} set realized_pnl = v.pnl, fifo_booked = true from (values ${values}) as v(id, pnl) where ${fills.id} = v.id`);
  }
}

export async function saveFifoBooks(
  tx: LedgerTx,
  rows: { userId: string; book: string; accountId: string; strategyId: string | null; symbol: string; lots: FifoLotValue[]; lastAt: Date; lastFillId: number }[],
) {
  for (let i = 0; i < rows.length; i += 500) {
    await tx
      .insert(fifoBooks)
      .values(rows.slice(i, i + 500))
      .onConflictDoUpdate({
        target: [fifoBooks.userId, fifoBooks.book],
        set: { lots: sql`excluded.lots`, lastAt: sql`excluded.last_at`, lastFillId: sql`excluded.last_fill_id`, updatedAt: sql`now()` },
      });
  }
}

/** Users with fills whose realized P&L is not worked out yet (the backfill and the sync cron). */
export async function usersWithPendingFills(limit = 1_000): Promise<string[]> {
  const db = await getDb();
  const rows = await db.selectDistinct({ userId: fills.userId }).from(fills).where(eq(fills.fifoBooked, false)).limit(limit);
  return rows.map((r) => r.userId);
}
