import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  smallint,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { exchangeAccounts } from "./exchange";
import { users } from "./users";

export type SigningScheme = "legacy" | "v1";

/** What a strategy runs: `signal` follows a signal (every strategy before bot kinds); `dca` and `grid` are bots. */
export const BOT_KINDS = ["signal", "dca", "grid"] as const;
export type BotKind = (typeof BOT_KINDS)[number];

/** The signal catalogue: named webhooks that signal sources post to. */
export const signals = pgTable("signals", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  enabled: boolean("enabled").notNull().default(true),
  // Without `signingKeyEnc` (rows from before it existed): SHA-256 of the secret, which is also the HMAC
  // key senders sign with. With it: only a fingerprint of that key, useless for signing; the key itself
  // is AES-256-GCM sealed, so reading the database does not let anyone forge a signed delivery.
  secretHash: text("secret_hash").notNull(),
  signingKeyEnc: text("signing_key_enc"),
  signingKeyVersion: smallint("signing_key_version"),
  // "v1": the sealed value is the secret, the HMAC key senders expect. "legacy" (signals created before
  // v1): it is sha256(secret), and senders sign with that hex string until the secret is rotated.
  signingScheme: text("signing_scheme").$type<SigningScheme>().notNull().default("v1"),
  secretHint: text("secret_hint").notNull(),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  secretRotatedAt: timestamp("secret_rotated_at", { withTimezone: true }).notNull().defaultNow(),
  // One drain at a time executes a signal's events, in arrival order: a lease, not a held lock.
  drainToken: text("drain_token"),
  drainLeaseUntil: timestamp("drain_lease_until", { withTimezone: true }),
});

/** One accepted delivery of a signal. Unique per idempotency key: a repeat never makes a second event. */
export const signalEvents = pgTable(
  "signal_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity().notNull(),
    signalId: uuid("signal_id")
      .notNull()
      .references(() => signals.id, { onDelete: "cascade" }),
    idempotencyKey: text("idempotency_key").notNull(),
    action: text("action").notNull(),
    // The position the sender wants after this signal (TradingView's {{strategy.market_position}}).
    targetPosition: text("target_position").$type<"long" | "short" | "flat">(),
    symbol: text("symbol").notNull(),
    rawSymbol: text("raw_symbol").notNull(),
    price: numeric("price"),
    comment: text("comment"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    // The sender's max_lag: the signal is executed (retried after transient errors) until it is this old.
    maxLagSeconds: integer("max_lag_seconds"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    // queued → done | failed
    status: text("status").notNull().default("queued"),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    // When a job of this event last waited or was given back by the stale-event backstop: a queued event
    // touched lately has a live job and needs no new one.
    nudgedAt: timestamp("nudged_at", { withTimezone: true }),
    test: boolean("test").notNull().default(false),
    // A test signal from a strategy's page runs for that strategy only.
    testStrategyId: uuid("test_strategy_id"),
  },
  (t) => [
    uniqueIndex("signal_events_idem_uq").on(t.signalId, t.idempotencyKey),
    index("signal_events_signal_seq_idx").on(t.signalId, t.seq),
    index("signal_events_pending_idx").on(t.signalId, t.seq).where(sql`${t.status} = 'queued'`),
  ],
);

/** What the admin page shows: every authenticated delivery, accepted, duplicate or rejected and why. */
export const signalDeliveries = pgTable(
  "signal_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    signalId: uuid("signal_id")
      .notNull()
      .references(() => signals.id, { onDelete: "cascade" }),
    eventId: uuid("event_id"),
    outcome: text("outcome").notNull(),
    reason: text("reason"),
    action: text("action"),
    symbol: text("symbol"),
    ip: text("ip"),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("signal_deliveries_signal_idx").on(t.signalId, t.receivedAt),
    // The delivery log filtered by outcome or time alone (no signal) reads newest first from here.
    index("signal_deliveries_received_idx").on(t.receivedAt),
  ],
);

/** The Postgres queue driver's table (the Upstash driver keeps the same jobs in Redis). */
export const queueJobs = pgTable(
  "queue_jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    queue: text("queue").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    availableAt: timestamp("available_at", { withTimezone: true }).notNull().defaultNow(),
    leaseToken: text("lease_token"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("queue_jobs_ready_idx").on(t.queue, t.availableAt, t.id)],
);

/** Fixed-window counters for the Postgres rate limiter (Redis keeps them when configured). */
export const rateLimitCounters = pgTable("rate_limit_counters", {
  key: text("key").primaryKey(),
  windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
  count: integer("count").notNull().default(0),
  blockedUntil: timestamp("blocked_until", { withTimezone: true }),
});

export const strategies = pgTable(
  "strategies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind").$type<BotKind>().notNull().default("signal"),
    // The kind's own settings, as its schema in lib/bots parsed them; null for `signal`.
    botSettings: jsonb("bot_settings").$type<Record<string, unknown>>(),
    signalId: uuid("signal_id")
      .notNull()
      .references(() => signals.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    symbol: text("symbol").notNull(),
    followBuy: boolean("follow_buy").notNull().default(true),
    followSell: boolean("follow_sell").notNull().default(true),
    followClose: boolean("follow_close").notNull().default(true),
    followCancel: boolean("follow_cancel").notNull().default(true),
    // quote: spend a fixed quote amount; base: a fixed base amount; percent: % of free quote balance.
    sizingMode: text("sizing_mode").$type<"quote" | "base" | "percent">().notNull().default("quote"),
    sizingValue: numeric("sizing_value").notNull(),
    orderType: text("order_type").$type<"market" | "limit">().notNull().default("market"),
    limitOffsetPct: numeric("limit_offset_pct").notNull().default("0"),
    takeProfitPct: numeric("take_profit_pct"),
    stopLossPct: numeric("stop_loss_pct"),
    maxOpenOrders: integer("max_open_orders"),
    maxPosition: numeric("max_position"),
    enabled: boolean("enabled").notNull().default(true),
    // Off: pause entries only (exits and protection keep working), or stop everything.
    keepsExits: boolean("keeps_exits").notNull().default(true),
    // USDT perpetuals only (the account's market type decides): set on the venue before each order.
    leverage: integer("leverage").notNull().default(1),
    marginMode: text("margin_mode").$type<"isolated" | "cross">().notNull().default("isolated"),
    // Without a target position in the signal, a sell with nothing long opens a short only when allowed.
    allowShorts: boolean("allow_shorts").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("strategies_signal_idx").on(t.signalId, t.enabled), index("strategies_user_idx").on(t.userId)],
);

/** Position and realised P&L per strategy, updated from fills (amount is what is actually held). */
export const strategyPositions = pgTable("strategy_positions", {
  strategyId: uuid("strategy_id")
    .primaryKey()
    .references(() => strategies.id, { onDelete: "cascade" }),
  amount: numeric("amount").notNull().default("0"),
  costBasis: numeric("cost_basis").notNull().default("0"),
  realizedPnl: numeric("realized_pnl").notNull().default("0"),
  wins: integer("wins").notNull().default(0),
  losses: integer("losses").notNull().default(0),
  // Fees paid in a third asset (BNB on Binance), per asset: shown apart, never added to quote amounts.
  otherFees: jsonb("other_fees").$type<Record<string, string>>().notNull().default({}),
  // One worker at a time changes what rests on the exchange for this position (an exit canceling the
  // take-profit, the monitor replacing it, a stop firing): a lease, not a held lock.
  busyToken: text("busy_token"),
  busyUntil: timestamp("busy_until", { withTimezone: true }),
  // What the order monitor last found: protected, unprotected (with why), or none wanted.
  protection: text("protection").$type<"none" | "protected" | "unprotected">().notNull().default("none"),
  protectionNote: text("protection_note"),
  protectionCheckedAt: timestamp("protection_checked_at", { withTimezone: true }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** What happened to one event for one strategy and leg: sent, skipped (with the reason) or failed. */
export const strategyExecutions = pgTable(
  "strategy_executions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    strategyId: uuid("strategy_id")
      .notNull()
      .references(() => strategies.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => signalEvents.id, { onDelete: "cascade" }),
    leg: text("leg").notNull(),
    outcome: text("outcome").notNull(),
    reason: text("reason"),
    detail: jsonb("detail").$type<Record<string, string>>(),
    orderId: uuid("order_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // An execution is rewritten in place (waiting → sent or skipped): live pages watch this to refresh.
    updatedAt: timestamp("updated_at", { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    uniqueIndex("strategy_executions_uq").on(t.strategyId, t.eventId, t.leg),
    index("strategy_executions_recent_idx").on(t.strategyId, t.createdAt),
    index("strategy_executions_updated_idx").on(t.strategyId, t.updatedAt),
  ],
);

/** Kill switches: all trading for a user (users.trading_enabled), per strategy, and per symbol here. */
export const symbolSwitches = pgTable(
  "symbol_switches",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    symbol: text("symbol").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    keepsExits: boolean("keeps_exits").notNull().default(true),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.symbol] })],
);

export type Signal = typeof signals.$inferSelect;
export type SignalEvent = typeof signalEvents.$inferSelect;
export type Strategy = typeof strategies.$inferSelect;
export type QueueJob = typeof queueJobs.$inferSelect;
