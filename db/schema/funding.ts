import { bigserial, index, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { exchangeAccounts } from "./exchange";
import { strategies } from "./signals";

/**
 * Funding payments of USDT perpetuals, as the venue reports them (`fetchFundingHistory`), each booked into
 * its strategy's realised P&L in the same transaction that inserts the row. `(account, venue id, strategy)`
 * is unique, so a payment read twice is booked once.
 */
export const fundingPayments = pgTable(
  "funding_payments",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    strategyId: uuid("strategy_id")
      .notNull()
      .references(() => strategies.id, { onDelete: "cascade" }),
    venueId: text("venue_id").notNull(),
    symbol: text("symbol").notNull(),
    // Received is positive, paid is negative (quote currency).
    amount: numeric("amount").notNull(),
    currency: text("currency").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    bookedAt: timestamp("booked_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("funding_payments_venue_uq").on(t.accountId, t.venueId, t.strategyId),
    index("funding_payments_strategy_idx").on(t.strategyId, t.at),
  ],
);

/** When each account's funding history was last read (the monitor reads it at most every few minutes). */
export const fundingReads = pgTable("funding_reads", {
  accountId: uuid("account_id")
    .primaryKey()
    .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
  readAt: timestamp("read_at", { withTimezone: true }).notNull(),
});

export type FundingPaymentRow = typeof fundingPayments.$inferSelect;
