import { boolean, index, integer, jsonb, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { signalEvents, signals } from "./signals";
import { users } from "./users";

export type AiAction = "BUY" | "SELL" | "HOLD";
/** What became of one symbol's question to the model. Only `signal` made a signal event. */
export const AI_RUN_OUTCOMES = [
  "signal",
  "duplicate",
  "hold",
  "below_confidence",
  "malformed",
  "refused",
  "timeout",
  "rate_limited",
  "capped",
  "no_candles",
  "failed",
] as const;
export type AiRunOutcome = (typeof AI_RUN_OUTCOMES)[number];

/**
 * An AI signal source (admin-owned): every `every_minutes` it asks an OpenAI-compatible model about each
 * symbol and turns BUY/SELL above `min_confidence` into events of the catalogue signal `signal_id`.
 * The API key is AES-256-GCM sealed (lib/crypto) and never read back out to a page.
 */
export const aiSources = pgTable("ai_sources", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  baseUrl: text("base_url").notNull().default("https://api.deepseek.com/v1"),
  model: text("model").notNull().default("deepseek-chat"),
  apiKeyEnc: text("api_key_enc"),
  keyVersion: integer("key_version"),
  keyHint: text("key_hint"),
  signalId: uuid("signal_id")
    .notNull()
    .references(() => signals.id, { onDelete: "cascade" }),
  symbols: jsonb("symbols").$type<string[]>().notNull().default([]),
  // "paper" (the paper market's own price path) or a ccxt exchange id read through its public API.
  candleSource: text("candle_source").notNull().default("paper"),
  interval: text("interval").$type<"1m" | "15m" | "1h" | "4h" | "1d">().notNull().default("1h"),
  everyMinutes: integer("every_minutes").notNull().default(60),
  promptTemplate: text("prompt_template").notNull(),
  minConfidence: numeric("min_confidence").notNull().default("0.7"),
  dailySignalCap: integer("daily_signal_cap").notNull().default(10),
  dailyTokenCap: integer("daily_token_cap").notNull().default(200000),
  // Price per million tokens in USD, for "cost so far" (decimal strings; 0 when unknown).
  inputPricePerM: numeric("input_price_per_m").notNull().default("0"),
  outputPricePerM: numeric("output_price_per_m").notNull().default("0"),
  timeoutMs: integer("timeout_ms").notNull().default(30000),
  enabled: boolean("enabled").notNull().default(false),
  // A run takes the lease, so one source is never run twice at once.
  leaseUntil: timestamp("lease_until", { withTimezone: true }),
  lastRunAt: timestamp("last_run_at", { withTimezone: true }),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One question about one symbol in one run slot. Unique per (source, symbol, slot): a retried slot is answered from here. */
export const aiRuns = pgTable(
  "ai_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sourceId: uuid("source_id")
      .notNull()
      .references(() => aiSources.id, { onDelete: "cascade" }),
    symbol: text("symbol").notNull(),
    slot: text("slot").notNull(),
    prompt: text("prompt").notNull(),
    rawAnswer: text("raw_answer"),
    action: text("action").$type<AiAction>(),
    confidence: numeric("confidence"),
    reasoning: text("reasoning"),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    latencyMs: integer("latency_ms"),
    outcome: text("outcome").$type<AiRunOutcome>().notNull(),
    error: text("error"),
    signalEventId: uuid("signal_event_id").references(() => signalEvents.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("ai_runs_slot_uq").on(t.sourceId, t.symbol, t.slot),
    index("ai_runs_source_created_idx").on(t.sourceId, t.createdAt),
    index("ai_runs_event_idx").on(t.signalEventId),
  ],
);

export type AiSource = typeof aiSources.$inferSelect;
export type NewAiSource = typeof aiSources.$inferInsert;
export type AiRun = typeof aiRuns.$inferSelect;
