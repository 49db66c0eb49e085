import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { exchangeAccounts, orders } from "./exchange";
import { users } from "./users";

/** One asset of a target portfolio: its weight in percent as an exact decimal string ("37.5"). */
export type RebalanceTarget = { asset: string; weight: string };

/**
 * An account's target portfolio and its rule: weights summing to 100 (the quote asset included), run
 * every `interval_hours` and/or when an asset drifts more than `drift_pct` percentage points. Runs take
 * the lease, so one account is never rebalanced twice at once.
 */
export const rebalancers = pgTable("rebalancers", {
  accountId: uuid("account_id")
    .primaryKey()
    .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  quote: text("quote").notNull().default("USDT"),
  targets: jsonb("targets").$type<RebalanceTarget[]>().notNull().default([]),
  intervalHours: integer("interval_hours"),
  driftPct: numeric("drift_pct"),
  // In the quote asset: smaller trades are skipped (as are those below the market's own minimum).
  minTradeQuote: numeric("min_trade_quote").notNull().default("10"),
  dryRun: boolean("dry_run").notNull().default(true),
  enabled: boolean("enabled").notNull().default(false),
  leaseUntil: timestamp("lease_until", { withTimezone: true }),
  // Who holds the lease: a worker renews and releases it only while the token is still its own.
  leaseToken: text("lease_token"),
  lastRunAt: timestamp("last_run_at", { withTimezone: true }),
  // The drift check values the account; at most every few minutes.
  driftCheckedAt: timestamp("drift_checked_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type RebalanceTrigger = "interval" | "drift" | "manual";
/** `running`: planned, its orders not all settled yet (a crashed run is resumed under the same id). */
export type RebalanceRunStatus = "running" | "done" | "skipped" | "failed";

export type RebalanceHolding = { asset: string; amount: string; price: string; value: string; weight: string; target: string };
export type RebalanceValuation = { quote: string; total: string; holdings: RebalanceHolding[] };
export type RebalanceSkip = "below_min_trade" | "below_min_notional" | "below_min_amount" | "no_market" | "no_price";
export type PlannedTrade = {
  leg: number;
  symbol: string;
  asset: string;
  side: "buy" | "sell";
  amount: string;
  /** The estimated quote value at the planning price. */
  value: string;
  price: string;
  skip?: RebalanceSkip;
};

export const rebalanceRuns = pgTable(
  "rebalance_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    trigger: text("trigger").$type<RebalanceTrigger>().notNull(),
    dryRun: boolean("dry_run").notNull(),
    status: text("status").$type<RebalanceRunStatus>().notNull().default("running"),
    // Why a run was skipped or failed (trading_paused, account_off, a venue error code).
    reason: text("reason"),
    valuation: jsonb("valuation").$type<RebalanceValuation>(),
    plannedTrades: jsonb("planned_trades").$type<PlannedTrade[]>(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("rebalance_runs_account_idx").on(t.accountId, t.startedAt),
    // One unfinished run per account: a due pass resumes it rather than start another.
    uniqueIndex("rebalance_runs_running_uq").on(t.accountId).where(sql`${t.status} = 'running'`),
  ],
);

/** The orders a run placed, one per planned leg (the leg's client order id is derived from the run and leg). */
export const rebalanceRunOrders = pgTable(
  "rebalance_run_orders",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => rebalanceRuns.id, { onDelete: "cascade" }),
    leg: integer("leg").notNull(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.leg] })],
);

export type Rebalancer = typeof rebalancers.$inferSelect;
export type RebalanceRun = typeof rebalanceRuns.$inferSelect;
