import { bigserial, index, numeric, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { strategies } from "./signals";

/**
 * Every change of a strategy's realised P&L, with when it happened: the period figures (today's P&L)
 * come from here. Written by a database trigger on strategy_positions (migration
 * `realized_pnl_ledger`), so it holds whatever the position booked, however the engine books it.
 */
export const realizedPnlEntries = pgTable(
  "realized_pnl_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    strategyId: uuid("strategy_id")
      .notNull()
      .references(() => strategies.id, { onDelete: "cascade" }),
    amount: numeric("amount").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("realized_pnl_entries_strategy_at_idx").on(t.strategyId, t.at)],
);
