import { bigserial, index, jsonb, numeric, pgTable, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { exchangeAccounts } from "./exchange";
import { users } from "./users";

/**
 * An account's balances valued in USDT, once per slot (a 5-minute bucket): `(account_id, slot)` is unique,
 * so two sync passes running at once write one row. The equity curve on the Statistics page is drawn from
 * here; assets without a USDT price are kept apart in `unpriced`, never counted as zero silently.
 */
export const equitySnapshots = pgTable(
  "equity_snapshots",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    slot: timestamp("slot", { withTimezone: true }).notNull(),
    equityUsdt: numeric("equity_usdt").notNull(),
    // Each asset's total and what it was valued at, as read.
    balances: jsonb("balances").$type<Record<string, { total: string; usdt: string | null }>>().notNull().default({}),
    unpriced: jsonb("unpriced").$type<string[]>().notNull().default([]),
    takenAt: timestamp("taken_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("equity_snapshots_account_slot_uq").on(t.accountId, t.slot), index("equity_snapshots_user_slot_idx").on(t.userId, t.slot)],
);

export type EquitySnapshotRow = typeof equitySnapshots.$inferSelect;
