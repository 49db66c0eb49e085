import "server-only";
import Decimal from "decimal.js";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import {
  aiUsageToday,
  claimAiLease,
  dueAiSources,
  findAiRun,
  getAiSourceForRun,
  releaseAiLease,
  saveAiRun,
  type AiRunValues,
} from "@/db/queries/ai-sources";
import { signals, type AiRunOutcome, type AiSource } from "@/db/schema";
import { appKeyring } from "@/lib/crypto";
import { liveClient } from "@/lib/exchanges";
import type { CcxtExchangeId } from "@/lib/exchanges/ccxt-adapter";
import { paperCandles } from "@/lib/exchanges/paper-candles";
import type { Candle } from "@/lib/exchanges/types";
import { log } from "@/lib/logger";
import { computeSignature, ingestSignal } from "@/lib/signals";
import { signingKeyOf } from "@/lib/signals/signing-key";
import { computeIndicators } from "./indicators";
import { openAiKey } from "./key-seal";
import { askModel } from "./model";
import { renderPrompt } from "./prompt";

const CANDLE_LIMIT = 100;
// Longer than the longest run (20 symbols, each bounded by its timeout).
const LEASE_MS = 15 * 60_000;
/** Answers worth asking again in the same slot: nothing was decided. */
const RETRYABLE: ReadonlySet<AiRunOutcome> = new Set(["timeout", "rate_limited", "failed", "no_candles"]);

export { AI_KEY_PURPOSE, aiKeyContext } from "./key-seal";

export interface AiRunDeps {
  now?: Date;
  /** Puts a new signal event on the signal queue (the webhook's queue by default). */
  enqueue?: (eventId: string) => Promise<void>;
  candles?: (source: AiSource, symbol: string) => Promise<Candle[]>;
  /** Past this time (ms since the epoch) no further symbol is asked; the rest are asked on the next tick. */
  deadline?: number;
}

export interface AiRunSummary {
  sourceId: string;
  slot: string;
  results: { symbol: string; outcome: AiRunOutcome | "skipped"; eventId?: string | null }[];
}

/** The slot a scheduled run belongs to: the start of its `every_minutes` window, in epoch minutes. */
export function scheduledSlot(everyMinutes: number, now: Date): string {
  const minutes = Math.floor(now.getTime() / 60_000);
  return `s${minutes - (minutes % Math.max(1, everyMinutes))}`;
}

/** "Run now": one slot per minute, so a double click never asks twice. */
export function manualSlot(now: Date): string {
  return `m${Math.floor(now.getTime() / 60_000)}`;
}

async function defaultEnqueue(eventId: string) {
  const { getQueue } = await import("@/lib/queue");
  await (await getQueue()).enqueue("signals", { eventId });
}

async function sourceCandles(source: AiSource, symbol: string): Promise<Candle[]> {
  if (source.candleSource === "paper") return paperCandles(await getDb(), symbol, source.interval, CANDLE_LIMIT);
  const client = await liveClient({ exchange: source.candleSource as CcxtExchangeId, marketType: "spot", sandbox: false });
  return client.ohlcv(symbol, source.interval, CANDLE_LIMIT);
}

/**
 * Delivers a BUY/SELL to the source's catalogue signal through the webhook's own ingestion, signed with
 * the signal's key like any sender; the id names the source, symbol and slot, so a retried slot is a duplicate.
 */
async function deliver(source: AiSource, input: { symbol: string; slot: string; action: "buy" | "sell"; price: string; reasoning: string; now: Date; enqueue: (id: string) => Promise<void> }) {
  const db = await getDb();
  const [signal] = await db
    .select({ name: signals.name, secretHash: signals.secretHash, signingKeyEnc: signals.signingKeyEnc, signingKeyVersion: signals.signingKeyVersion, signingScheme: signals.signingScheme })
    .from(signals)
    .where(eq(signals.id, source.signalId));
  if (!signal) return { outcome: "failed" as const, error: "the catalogue signal no longer exists", eventId: null };
  const rawBody = JSON.stringify({
    id: `ai:${source.id}:${input.symbol}:${input.slot}`,
    action: input.action,
    symbol: input.symbol,
    price: input.price,
    comment: input.reasoning.slice(0, 500),
  });
  const timestamp = String(Math.floor(input.now.getTime() / 1000));
  const signature = computeSignature(rawBody, timestamp, signingKeyOf(signal).key);
  const result = await ingestSignal({
    name: signal.name,
    rawBody,
    contentType: "application/json",
    headers: { signature, timestamp },
    ip: null,
    now: input.now,
    enqueue: input.enqueue,
  });
  const eventId = typeof result.body.eventId === "string" ? result.body.eventId : null;
  if (result.status === 202) return { outcome: result.body.duplicate === true ? ("duplicate" as const) : ("signal" as const), error: null, eventId };
  const error = (result.body.error as { message?: string } | undefined)?.message ?? `ingestion answered ${result.status}`;
  return { outcome: "failed" as const, error: error.slice(0, 500), eventId: null };
}

/** Runs one source for one slot: each symbol is asked once; caps, floor and failures are recorded per symbol. */
export async function runAiSource(sourceId: string, opts: AiRunDeps & { slot?: string } = {}): Promise<AiRunSummary | null> {
  const now = opts.now ?? new Date();
  const lease = await claimAiLease(sourceId, LEASE_MS, now);
  if (!lease) return null;
  const source = await getAiSourceForRun(sourceId);
  if (!source) return null;
  const slot = opts.slot ?? scheduledSlot(source.everyMinutes, now);
  const summary: AiRunSummary = { sourceId, slot, results: [] };
  let complete = true;
  try {
    const apiKey = openAiKey(source, appKeyring());
    for (const symbol of source.symbols) {
      if (opts.deadline !== undefined && Date.now() > opts.deadline) {
        complete = false;
        break;
      }
      const existing = await findAiRun(sourceId, symbol, slot);
      if (existing && !RETRYABLE.has(existing.outcome)) {
        summary.results.push({ symbol, outcome: "skipped", eventId: existing.signalEventId });
        continue;
      }
      const row = await askSymbol(source, { symbol, slot, apiKey, now, enqueue: opts.enqueue ?? defaultEnqueue, candles: opts.candles ?? sourceCandles });
      await saveAiRun(row);
      summary.results.push({ symbol, outcome: row.outcome, eventId: row.signalEventId ?? null });
    }
  } finally {
    // An unfinished run stays due, so the next tick asks the symbols left (the answered ones are skipped).
    await releaseAiLease(sourceId, complete ? now : source.lastRunAt, lease);
  }
  return summary;
}

async function askSymbol(
  source: AiSource,
  ctx: { symbol: string; slot: string; apiKey: string; now: Date; enqueue: (id: string) => Promise<void>; candles: NonNullable<AiRunDeps["candles"]> },
): Promise<AiRunValues> {
  const base = { sourceId: source.id, symbol: ctx.symbol, slot: ctx.slot, createdAt: ctx.now, tokensIn: 0, tokensOut: 0 };
  const usage = await aiUsageToday(source.id, ctx.now);
  if (usage.signals >= source.dailySignalCap || usage.tokens >= source.dailyTokenCap) {
    const error = usage.signals >= source.dailySignalCap ? `daily signal cap ${source.dailySignalCap} reached` : `daily token cap ${source.dailyTokenCap} reached`;
    return { ...base, prompt: "", outcome: "capped", error };
  }
  let candles: Candle[];
  try {
    candles = await ctx.candles(source, ctx.symbol);
  } catch (error) {
    return { ...base, prompt: "", outcome: "no_candles", error: (error instanceof Error ? error.message : String(error)).slice(0, 500) };
  }
  const indicators = computeIndicators(candles);
  if (!indicators) return { ...base, prompt: "", outcome: "no_candles", error: "no candles for this symbol and interval yet" };

  const prompt = renderPrompt(source.promptTemplate, { symbol: ctx.symbol, interval: source.interval, indicators, candles });
  const answer = await askModel({ baseUrl: source.baseUrl, model: source.model, apiKey: ctx.apiKey, prompt, timeoutMs: source.timeoutMs });
  const spent = { prompt, rawAnswer: answer.raw, tokensIn: answer.tokensIn, tokensOut: answer.tokensOut, latencyMs: answer.latencyMs };
  if (!answer.ok) return { ...base, ...spent, outcome: answer.outcome, error: answer.error };

  const decided = { ...base, ...spent, action: answer.answer.action, confidence: String(answer.answer.confidence), reasoning: answer.answer.reasoning };
  if (answer.answer.action === "HOLD") return { ...decided, outcome: "hold" };
  if (new Decimal(answer.answer.confidence).lt(source.minConfidence)) return { ...decided, outcome: "below_confidence" };
  const delivered = await deliver(source, {
    symbol: ctx.symbol,
    slot: ctx.slot,
    action: answer.answer.action === "BUY" ? "buy" : "sell",
    price: indicators.close,
    reasoning: answer.answer.reasoning,
    now: ctx.now,
    enqueue: ctx.enqueue,
  });
  return { ...decided, outcome: delivered.outcome, error: delivered.error, signalEventId: delivered.eventId };
}

/** The scheduler's and /api/cron/ai's entry: every due source, until the budget is spent. */
export async function runDueAiSources({ budgetMs, now = new Date() }: { budgetMs: number; now?: Date }): Promise<{ processed: number }> {
  const deadline = Date.now() + budgetMs;
  let processed = 0;
  for (const id of await dueAiSources(now)) {
    if (Date.now() > deadline) break;
    try {
      const summary = await runAiSource(id, { now, deadline });
      if (summary) processed += summary.results.length;
    } catch (error) {
      log({ job: "ai-sources", sourceId: id }).error({ err: error }, "AI source run failed");
    }
  }
  return { processed };
}

let inFlight: Promise<unknown> | null = null;

/**
 * The in-process scheduler's entry: starts a pass over the due sources in the background and returns at
 * once, so a slow model never holds up the signal drain that shares the scheduler's tick.
 */
export async function startDueAiSources(): Promise<{ processed: number }> {
  inFlight ??= runDueAiSources({ budgetMs: 60_000 })
    .catch((error: unknown) => log({ job: "ai-sources" }).error({ err: error }, "AI sources pass failed"))
    .finally(() => {
      inFlight = null;
    });
  return { processed: 0 };
}
