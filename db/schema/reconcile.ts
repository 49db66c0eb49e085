import { sql } from "drizzle-orm";
import { index, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { exchangeAccounts } from "./exchange";
import { users } from "./users";

/** `shortfall`: the venue holds less than the strategies booked; `excess`: more (flagged on perpetuals only). */
export type MismatchKind = "shortfall" | "excess";
export type MismatchMarket = "spot" | "swap";

/**
 * A difference between what an account's strategies booked and what the venue holds: one open row per
 * account and asset (spot) or symbol (perpetual), updated in place on every reconciliation that still
 * sees it, resolved when it is gone. Shown to the trader and the admin; nothing trades because of it.
 */
export const positionMismatches = pgTable(
  "position_mismatches",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    market: text("market").$type<MismatchMarket>().notNull(),
    // Spot: the base asset (BTC); perpetuals: the symbol (BTC/USDT:USDT).
    asset: text("asset").notNull(),
    kind: text("kind").$type<MismatchKind>().notNull(),
    // In base units; `difference` = held − booked.
    booked: numeric("booked").notNull(),
    held: numeric("held").notNull(),
    difference: numeric("difference").notNull(),
    // The amount step a difference must exceed (smaller is dust).
    tolerance: numeric("tolerance").notNull(),
    strategyIds: jsonb("strategy_ids").$type<string[]>().notNull().default([]),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("position_mismatches_open_uq")
      .on(t.accountId, t.market, t.asset)
      .where(sql`${t.resolvedAt} is null`),
    index("position_mismatches_user_idx").on(t.userId, t.resolvedAt),
  ],
);

/** When each account was last reconciled, when it is due again, and who is reconciling it now (a lease). */
export const accountReconciliations = pgTable("account_reconciliations", {
  accountId: uuid("account_id")
    .primaryKey()
    .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
  leaseUntil: timestamp("lease_until", { withTimezone: true }),
  nextAt: timestamp("next_at", { withTimezone: true }),
  checkedAt: timestamp("checked_at", { withTimezone: true }),
  // The venue's failure code of the last attempt, when it failed (findings were left as they were).
  lastError: text("last_error"),
});

export type PositionMismatch = typeof positionMismatches.$inferSelect;
