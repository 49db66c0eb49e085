import { sql } from "drizzle-orm";
import { bigserial, boolean, index, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { exchangeAccounts, orders } from "./exchange";
import { users } from "./users";

/**
 * The fill ledger, append-only: one row per fill increment of every order we place (strategy, manual,
 * protective), written by the booking in the same transaction that moves the order's `applied_*`
 * columns. `(order_id, filled_after)` makes a second booking of the same increment impossible. P&L,
 * win rate and drawdown are derived from it (lib/statistics): each fill's FIFO realized P&L is worked out
 * once, after it is written, into `realized_pnl` (see `fifo_books`), so reports sum it instead of
 * replaying the whole ledger.
 */
export const fills = pgTable(
  "fills",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    // Null for manual orders.
    strategyId: uuid("strategy_id"),
    accountId: uuid("account_id")
      .notNull()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    symbol: text("symbol").notNull(),
    side: text("side").$type<"buy" | "sell">().notNull(),
    // This increment alone: its base amount, its own average price and quote value.
    amount: numeric("amount").notNull(),
    price: numeric("price").notNull(),
    quoteValue: numeric("quote_value").notNull(),
    // The increment's fee per currency; `fee_quote` is what the booking counted in the quote asset (fees
    // in quote plus third-asset fees priced at the fill's time, at `fee_prices`); a base-asset fee and an
    // unpriced third-asset fee are in `fees` only.
    fees: jsonb("fees").$type<Record<string, string>>().notNull().default({}),
    feeQuote: numeric("fee_quote").notNull().default("0"),
    feePrices: jsonb("fee_prices").$type<Record<string, string>>().notNull().default({}),
    // The order's cumulative filled amount once this increment is in: the idempotency key with the order.
    filledAfter: numeric("filled_after").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    bookedAt: timestamp("booked_at", { withTimezone: true }).notNull().defaultNow(),
    // What this fill realized against its book's FIFO lots (null: it closed nothing), once `fifo_booked`.
    realizedPnl: numeric("realized_pnl"),
    fifoBooked: boolean("fifo_booked").notNull().default(false),
  },
  (t) => [
    uniqueIndex("fills_order_filled_uq").on(t.orderId, t.filledAfter),
    index("fills_user_at_idx").on(t.userId, t.at),
    index("fills_strategy_at_idx").on(t.strategyId, t.at),
    index("fills_account_at_idx").on(t.accountId, t.at),
    // The CSV export pages newest first.
    index("fills_user_at_id_desc_idx").on(t.userId, t.at.desc(), t.id.desc()),
    index("fills_fifo_pending_idx").on(t.userId).where(sql`not ${t.fifoBooked}`),
  ],
);

export type FillRow = typeof fills.$inferSelect;
export type NewFillRow = typeof fills.$inferInsert;
