import { bigint, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { exchangeAccounts } from "./exchange";
import { users } from "./users";

/** One open FIFO lot: base amount (negative for a perpetual short) and what it cost, in quote. */
export interface FifoLotValue {
  amount: string;
  cost: string;
}

/**
 * The FIFO state of one book (a strategy's, or an account's manual orders', in one symbol) after the
 * fills whose `realized_pnl` is worked out: the open lots and the last fill taken, in (at, id) order. New
 * fills extend it; a fill that turns up earlier than `last_at` makes the book be replayed from its start.
 * A cache of the ledger, never a second truth: deleting a row only costs a replay.
 */
export const fifoBooks = pgTable(
  "fifo_books",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // `<strategy id>|<symbol>` or `manual:<account id>|<symbol>`.
    book: text("book").notNull(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    strategyId: uuid("strategy_id"),
    symbol: text("symbol").notNull(),
    lots: jsonb("lots").$type<FifoLotValue[]>().notNull().default([]),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull(),
    lastFillId: bigint("last_fill_id", { mode: "number" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.book] })],
);

export type FifoBookRow = typeof fifoBooks.$inferSelect;
