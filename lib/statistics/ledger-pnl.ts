import "server-only";
import Decimal from "decimal.js";
import { bookFifoFills, loadFifoBooks, pendingFifoFills, saveFifoBooks, saveFillPnl, usersWithPendingFills, withLedgerLock, type FifoFillRow } from "@/db/queries/fifo-books";
import { bookKey, fifoFill, type Lot } from "./fifo";

const before = (a: { at: Date; id: number }, b: { at: Date; id: number }) => a.at.getTime() < b.at.getTime() || (a.at.getTime() === b.at.getTime() && a.id < b.id);

/**
 * Works out the FIFO realized P&L of the user's new fills into the ledger (`fills.realized_pnl`), from
 * each book's stored lots (`fifo_books`): only the fills booked since the last call are replayed, so a
 * report sums stored figures instead of replaying 50,000 fills. A fill dated before its book's last one
 * (a late booking) replays that book from its first fill. Every reader of P&L calls this first; the sync
 * cron calls it too, so a page rarely has work to do. Returns how many fills it worked out.
 */
export async function bookLedgerPnl({ userId }: { userId: string }): Promise<number> {
  return withLedgerLock(userId, async (tx) => {
    const pending = await pendingFifoFills(tx, userId);
    if (pending.length === 0) return 0;
    const byBook = new Map<string, FifoFillRow[]>();
    for (const fill of pending) {
      const key = bookKey(fill);
      const list = byBook.get(key);
      if (list) list.push(fill);
      else byBook.set(key, [fill]);
    }
    const stored = new Map((await loadFifoBooks(tx, userId, [...byBook.keys()])).map((b) => [b.book, b]));
    const pnl: { id: number; realizedPnl: string | null }[] = [];
    const books: Parameters<typeof saveFifoBooks>[1] = [];
    for (const [key, newFills] of byBook) {
      const first = newFills[0]!;
      const known = stored.get(key);
      let lots: Lot[] = [];
      let replay = newFills;
      if (known && before(first, { at: known.lastAt, id: known.lastFillId })) {
        replay = await bookFifoFills(tx, { userId, strategyId: first.strategyId, accountId: first.accountId, symbol: first.symbol });
      } else if (known) {
        lots = known.lots.map((l) => ({ amount: new Decimal(l.amount), cost: new Decimal(l.cost) }));
      }
      for (const fill of replay) pnl.push({ id: fill.id, realizedPnl: fifoFill(lots, fill)?.toFixed() ?? null });
      const last = replay.at(-1)!;
      books.push({
        userId,
        book: key,
        accountId: first.accountId,
        strategyId: first.strategyId,
        symbol: first.symbol,
        lots: lots.map((l) => ({ amount: l.amount.toFixed(), cost: l.cost.toFixed() })),
        lastAt: last.at,
        lastFillId: last.id,
      });
    }
    await saveFillPnl(tx, pnl);
    await saveFifoBooks(tx, books);
    return pending.length;
  });
}

/** Works out every user's pending fills (the backfill script; the sync cron with a small limit). */
export async function bookAllLedgerPnl({ limit }: { limit?: number } = {}): Promise<number> {
  let total = 0;
  for (const userId of await usersWithPendingFills(limit)) total += await bookLedgerPnl({ userId });
  return total;
}
