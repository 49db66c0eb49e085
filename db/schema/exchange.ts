import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./users";

export const exchangeAccounts = pgTable(
  "exchange_accounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    exchange: text("exchange").notNull(),
    label: text("label").notNull(),
    spot: boolean("spot").notNull().default(true),
    futures: boolean("futures").notNull().default(false),
    sandbox: boolean("sandbox").notNull().default(false),
    // AES-256-GCM ciphertexts (see lib/crypto); null for paper accounts.
    apiKeyEnc: text("api_key_enc"),
    apiSecretEnc: text("api_secret_enc"),
    passphraseEnc: text("passphrase_enc"),
    keyVersion: smallint("key_version"),
    keyHint: text("key_hint"),
    withdrawalsEnabled: boolean("withdrawals_enabled"),
    // Paper accounts: fee rate (0.001 = 0.1 %) and slippage in basis points.
    paperFeeRate: numeric("paper_fee_rate"),
    paperSlippageBps: numeric("paper_slippage_bps"),
    active: boolean("active").notNull().default(true),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }),
    // When the order monitor last looked at this account's orders and positions: oldest first, so every
    // account is checked in turn however many there are.
    monitoredAt: timestamp("monitored_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("exchange_accounts_user_idx").on(t.userId)],
);

/**
 * The last balance read of each account (any read: the account page, its card, a connection test), so the
 * accounts list shows a balance at once, with its age, without waiting on a slow exchange.
 */
export const accountBalanceSnapshots = pgTable(
  "account_balance_snapshots",
  {
    accountId: uuid("account_id")
      .primaryKey()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    quoteAsset: text("quote_asset").notNull(),
    quoteTotal: numeric("quote_total").notNull(),
    otherAssets: integer("other_assets").notNull(),
    takenAt: timestamp("taken_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("account_balance_snapshots_user_idx").on(t.userId)],
);

export type AccountBalanceSnapshot = typeof accountBalanceSnapshots.$inferSelect;

/** The paper exchange's own books: what a real exchange would keep for the account. */
export const paperBalances = pgTable(
  "paper_balances",
  {
    accountId: uuid("account_id")
      .notNull()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    asset: text("asset").notNull(),
    free: numeric("free").notNull().default("0"),
    used: numeric("used").notNull().default("0"),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.asset] })],
);

export const paperOrders = pgTable(
  "paper_orders",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    clientOrderId: text("client_order_id").notNull(),
    symbol: text("symbol").notNull(),
    side: text("side").notNull(),
    type: text("type").notNull(),
    amount: numeric("amount").notNull(),
    price: numeric("price"),
    status: text("status").notNull(),
    filled: numeric("filled").notNull().default("0"),
    average: numeric("average"),
    cost: numeric("cost").notNull().default("0"),
    fee: numeric("fee").notNull().default("0"),
    feeCurrency: text("fee_currency"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("paper_orders_account_status_idx").on(t.accountId, t.status),
    index("paper_orders_client_id_idx").on(t.accountId, t.clientOrderId),
  ],
);

/** Last prices the paper exchange has seen (signal prices, tickers), per symbol. */
export const paperPrices = pgTable("paper_prices", {
  symbol: text("symbol").primaryKey(),
  price: numeric("price").notNull(),
  source: text("source").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Where an order comes from. */
export type OrderSource = "signal" | "test" | "manual" | "protective" | "rebalance";
/** What an order does for its strategy: an entry, an exit, or protection of the position. */
export type OrderLeg = "buy" | "sell" | "close" | "tp" | "sl";
/**
 * `stop`: a stop-loss we keep ourselves (armed); it becomes a market sell when the price crosses it.
 * `stop_limit`: the exchange's own stop-loss-limit (the stop leg of a native OCO).
 */
export type OrderRowType = "market" | "limit" | "stop" | "stop_limit";
/**
 * intent → sending → open | partially_filled | filled | canceled | expired | rejected, with two waits:
 * `unknown` (the answer was lost: looked up, re-sent only once the exchange shows no trace) and `retry`
 * (proven not placed, e.g. a 429: sent again under the same client order id until `send_by`).
 */
export type OrderStatus = "sending" | "unknown" | "retry" | "open" | "partially_filled" | "filled" | "canceled" | "expired" | "rejected";

/**
 * Our record of every order we send. The row is written before the exchange call; its client order id
 * is the idempotency key (exchanges do not protect against a re-sent order once the first has filled).
 */
export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: uuid("account_id")
      .notNull()
      .references(() => exchangeAccounts.id, { onDelete: "cascade" }),
    source: text("source").$type<OrderSource>().notNull().default("manual"),
    // Orders from signals: the strategy, the event and the leg ("entry", "exit", "tp", "sl") they serve.
    strategyId: uuid("strategy_id"),
    eventId: uuid("event_id"),
    leg: text("leg").$type<OrderLeg>(),
    parentOrderId: uuid("parent_order_id"),
    // How much of `filled` has been booked into the strategy's position (fills are applied once).
    appliedFilled: numeric("applied_filled").notNull().default("0"),
    // The cost and fees (per currency) already booked with it: each new fill is booked at its own price and fee.
    appliedCost: numeric("applied_cost").notNull().default("0"),
    // What `applied_fees` holds in `fee_currency` when the order paid in one currency.
    appliedFee: numeric("applied_fee").notNull().default("0"),
    appliedFees: jsonb("applied_fees").$type<Record<string, string>>().notNull().default({}),
    // A row not placed yet (lost answer, 429) is sent again under its client order id until then; null
    // for protective orders, which are tried until done.
    sendBy: timestamp("send_by", { withTimezone: true }),
    // Stop-loss kept by us where the venue has no native stop: sent as a market order when crossed.
    triggerPrice: numeric("trigger_price"),
    // The two legs of a native OCO share it (one fills or is canceled, the other ends with it).
    listClientOrderId: text("list_client_order_id"),
    clientOrderId: text("client_order_id").notNull(),
    exchangeOrderId: text("exchange_order_id"),
    symbol: text("symbol").notNull(),
    side: text("side").$type<"buy" | "sell">().notNull(),
    type: text("type").$type<OrderRowType>().notNull(),
    // Perpetuals: contracts (what the venue is sent; base = contracts × the market's contract size).
    amount: numeric("amount").notNull(),
    price: numeric("price"),
    // A perpetual exit: the venue may only shrink the position with it, never open the other side.
    reduceOnly: boolean("reduce_only").notNull().default(false),
    // intent → sending → open | partially_filled | filled | canceled | rejected | unknown
    status: text("status").$type<OrderStatus>().notNull().default("sending"),
    filled: numeric("filled").notNull().default("0"),
    average: numeric("average"),
    cost: numeric("cost"),
    fee: numeric("fee"),
    feeCurrency: text("fee_currency"),
    // Every currency the order's fees were paid in (fills may pay in BNB, then in the asset received);
    // `fee`/`fee_currency` hold them only when there is one.
    fees: jsonb("fees").$type<Record<string, string>>(),
    error: jsonb("error").$type<{ code: string; message: string }>(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("orders_client_order_id_uq").on(t.accountId, t.clientOrderId),
    uniqueIndex("orders_strategy_event_leg_uq")
      .on(t.strategyId, t.eventId, t.leg)
      .where(sql`${t.strategyId} is not null`),
    index("orders_strategy_idx").on(t.strategyId, t.status),
    index("orders_user_created_idx").on(t.userId, t.createdAt),
    // The live pages' change check: the user's latest change is one index probe.
    index("orders_user_updated_idx").on(t.userId, t.updatedAt),
    index("orders_open_idx")
      .on(t.accountId, t.status)
      .where(sql`${t.status} in ('sending', 'open', 'partially_filled', 'unknown', 'retry')`),
  ],
);

export type ExchangeAccount = typeof exchangeAccounts.$inferSelect;
export type NewExchangeAccount = typeof exchangeAccounts.$inferInsert;
export type OrderRow = typeof orders.$inferSelect;
export type PaperOrderRow = typeof paperOrders.$inferSelect;
