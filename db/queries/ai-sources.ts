import "server-only";
import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "../client";
import { aiRuns, aiSources, orders, signals, strategies, type AiRun, type AiSource, type NewAiSource } from "../schema";

/** Every column a page may see: never the sealed key. */
const publicColumns = {
  id: aiSources.id,
  name: aiSources.name,
  baseUrl: aiSources.baseUrl,
  model: aiSources.model,
  keyHint: aiSources.keyHint,
  signalId: aiSources.signalId,
  signalName: signals.name,
  symbols: aiSources.symbols,
  candleSource: aiSources.candleSource,
  interval: aiSources.interval,
  everyMinutes: aiSources.everyMinutes,
  promptTemplate: aiSources.promptTemplate,
  minConfidence: aiSources.minConfidence,
  dailySignalCap: aiSources.dailySignalCap,
  dailyTokenCap: aiSources.dailyTokenCap,
  inputPricePerM: aiSources.inputPricePerM,
  outputPricePerM: aiSources.outputPricePerM,
  timeoutMs: aiSources.timeoutMs,
  enabled: aiSources.enabled,
  lastRunAt: aiSources.lastRunAt,
  createdAt: aiSources.createdAt,
};

async function selectSourceRows() {
  const db = await getDb();
  return db.select(publicColumns).from(aiSources).innerJoin(signals, eq(signals.id, aiSources.signalId)).orderBy(asc(aiSources.name));
}

export type AiSourceView = Awaited<ReturnType<typeof selectSourceRows>>[number] & {
  tokensIn: number;
  tokensOut: number;
  signalsToday: number;
  lastOutcome: string | null;
};

export async function listAiSources(): Promise<AiSourceView[]> {
  const db = await getDb();
  const rows = await selectSourceRows();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const dayStart = startOfUtcDay(new Date());
  const totals = await db
    .select({
      sourceId: aiRuns.sourceId,
      tokensIn: sql<number>`coalesce(sum(${aiRuns.tokensIn}), 0)::int`,
      tokensOut: sql<number>`coalesce(sum(${aiRuns.tokensOut}), 0)::int`,
      signalsToday: sql<number>`count(*) filter (where ${aiRuns.outcome} = 'signal' and ${aiRuns.createdAt} >= ${dayStart.toISOString()})::int`,
      lastOutcome: sql<string | null>`(array_agg(${aiRuns.outcome} order by ${aiRuns.createdAt} desc))[1]`,
    })
    .from(aiRuns)
    .where(inArray(aiRuns.sourceId, ids))
    .groupBy(aiRuns.sourceId);
  const byId = new Map(totals.map((t) => [t.sourceId, t]));
  return rows.map((r) => {
    const t = byId.get(r.id);
    return { ...r, tokensIn: Number(t?.tokensIn ?? 0), tokensOut: Number(t?.tokensOut ?? 0), signalsToday: Number(t?.signalsToday ?? 0), lastOutcome: t?.lastOutcome ?? null };
  });
}

export async function getAiSourceView(id: string): Promise<AiSourceView | undefined> {
  return (await listAiSources()).find((s) => s.id === id);
}

/** The whole row, sealed key included: only for the run, never for a page. */
export async function getAiSourceForRun(id: string): Promise<AiSource | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(aiSources).where(eq(aiSources.id, id));
  return row;
}

export async function insertAiSource(values: NewAiSource): Promise<{ id: string } | undefined> {
  const db = await getDb();
  const [row] = await db.insert(aiSources).values(values).onConflictDoNothing({ target: aiSources.name }).returning({ id: aiSources.id });
  return row;
}

export async function updateAiSource(id: string, values: Partial<NewAiSource>): Promise<boolean> {
  const db = await getDb();
  const rows = await db.update(aiSources).set({ ...values, updatedAt: new Date() }).where(eq(aiSources.id, id)).returning({ id: aiSources.id });
  return rows.length > 0;
}

export async function deleteAiSource(id: string): Promise<boolean> {
  const db = await getDb();
  const rows = await db.delete(aiSources).where(eq(aiSources.id, id)).returning({ id: aiSources.id });
  return rows.length > 0;
}

/** Enabled sources whose next run is due at `now`. */
export async function dueAiSources(now: Date): Promise<string[]> {
  const db = await getDb();
  const rows = await db
    .select({ id: aiSources.id })
    .from(aiSources)
    .where(
      and(
        eq(aiSources.enabled, true),
        or(isNull(aiSources.lastRunAt), lt(aiSources.lastRunAt, sql`${now.toISOString()}::timestamptz - make_interval(mins => ${aiSources.everyMinutes})`)),
        or(isNull(aiSources.leaseUntil), lt(aiSources.leaseUntil, now)),
      ),
    );
  return rows.map((r) => r.id);
}

/**
 * Takes the source's lease when free: one run of a source at a time. Answers the lease (its end, which
 * is also its holder's token: the release below matches it) or null when another run holds it.
 */
export async function claimAiLease(id: string, leaseMs: number, now = new Date()): Promise<Date | null> {
  const db = await getDb();
  const until = new Date(now.getTime() + leaseMs);
  const rows = await db
    .update(aiSources)
    .set({ leaseUntil: until })
    .where(and(eq(aiSources.id, id), or(isNull(aiSources.leaseUntil), lt(aiSources.leaseUntil, now))))
    .returning({ id: aiSources.id });
  return rows.length > 0 ? until : null;
}

/**
 * Ends a run: only while its lease is still the one it took (a run that outlived its lease, taken over
 * since, neither frees the other run's lease nor writes over when it ran). Answers whether it did.
 */
export async function releaseAiLease(id: string, ranAt: Date | null, lease: Date): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(aiSources)
    .set({ leaseUntil: null, lastRunAt: ranAt })
    .where(and(eq(aiSources.id, id), eq(aiSources.leaseUntil, lease)))
    .returning({ id: aiSources.id });
  return rows.length > 0;
}

export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Signals made and tokens spent by a source since the start of the UTC day. */
export async function aiUsageToday(sourceId: string, now: Date): Promise<{ signals: number; tokens: number }> {
  const db = await getDb();
  const [row] = await db
    .select({
      signals: sql<number>`count(*) filter (where ${aiRuns.outcome} = 'signal')::int`,
      tokens: sql<number>`coalesce(sum(${aiRuns.tokensIn} + ${aiRuns.tokensOut}), 0)::int`,
    })
    .from(aiRuns)
    .where(and(eq(aiRuns.sourceId, sourceId), gte(aiRuns.createdAt, startOfUtcDay(now))));
  return { signals: Number(row?.signals ?? 0), tokens: Number(row?.tokens ?? 0) };
}

export async function findAiRun(sourceId: string, symbol: string, slot: string): Promise<AiRun | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(aiRuns).where(and(eq(aiRuns.sourceId, sourceId), eq(aiRuns.symbol, symbol), eq(aiRuns.slot, slot)));
  return row;
}

export type AiRunValues = Omit<typeof aiRuns.$inferInsert, "id">;

/** Records a symbol's answer for the slot; a retried transient failure is replaced. */
export async function saveAiRun(values: AiRunValues): Promise<void> {
  const db = await getDb();
  const { sourceId: _s, symbol: _y, slot: _l, ...rest } = values;
  await db
    .insert(aiRuns)
    .values(values)
    .onConflictDoUpdate({ target: [aiRuns.sourceId, aiRuns.symbol, aiRuns.slot], set: rest });
}

export async function recentAiRuns(sourceId: string, limit = 30) {
  const db = await getDb();
  return db
    .select({
      id: aiRuns.id,
      symbol: aiRuns.symbol,
      slot: aiRuns.slot,
      action: aiRuns.action,
      confidence: aiRuns.confidence,
      reasoning: aiRuns.reasoning,
      outcome: aiRuns.outcome,
      error: aiRuns.error,
      tokensIn: aiRuns.tokensIn,
      tokensOut: aiRuns.tokensOut,
      latencyMs: aiRuns.latencyMs,
      signalEventId: aiRuns.signalEventId,
      createdAt: aiRuns.createdAt,
    })
    .from(aiRuns)
    .where(eq(aiRuns.sourceId, sourceId))
    .orderBy(desc(aiRuns.createdAt))
    .limit(limit);
}

/** The model's reasoning behind each of these signal events (for the orders they caused). */
export async function reasoningForEvents(eventIds: string[]): Promise<Map<string, { reasoning: string; confidence: string | null; source: string }>> {
  const ids = [...new Set(eventIds)];
  if (ids.length === 0) return new Map();
  const db = await getDb();
  const rows = await db
    .select({ eventId: aiRuns.signalEventId, reasoning: aiRuns.reasoning, confidence: aiRuns.confidence, source: aiSources.name })
    .from(aiRuns)
    .innerJoin(aiSources, eq(aiSources.id, aiRuns.sourceId))
    .where(inArray(aiRuns.signalEventId, ids));
  return new Map(rows.filter((r) => r.eventId && r.reasoning).map((r) => [r.eventId!, { reasoning: r.reasoning!, confidence: r.confidence, source: r.source }]));
}

export type AiReasoning = { reasoning: string; confidence: string | null; source: string };

/** The reasoning of the AI answer behind each of the user's orders that an AI signal caused. */
export async function aiReasoningForOrders({ userId, orderIds }: { userId: string; orderIds: string[] }): Promise<Map<string, AiReasoning>> {
  if (orderIds.length === 0) return new Map();
  const db = await getDb();
  const rows = await db
    .select({ orderId: orders.id, reasoning: aiRuns.reasoning, confidence: aiRuns.confidence, source: aiSources.name })
    .from(orders)
    .innerJoin(aiRuns, eq(aiRuns.signalEventId, orders.eventId))
    .innerJoin(aiSources, eq(aiSources.id, aiRuns.sourceId))
    .where(and(eq(orders.userId, userId), inArray(orders.id, orderIds)));
  return new Map(rows.filter((r) => r.reasoning).map((r) => [r.orderId, { reasoning: r.reasoning!, confidence: r.confidence, source: r.source }]));
}

/**
 * The signals an AI source feeds, and whether the user already has a strategy on one of them: the
 * strategy form suggests a paper account for the first (issue "paper by default").
 */
export async function aiSignalsForUser(userId: string): Promise<{ signalIds: string[]; followed: boolean }> {
  const db = await getDb();
  const rows = await db
    .selectDistinct({ signalId: aiSources.signalId, followed: sql<boolean>`exists (select 1 from ${strategies} s where s.user_id = ${userId} and s.signal_id = ${aiSources}.signal_id)` })
    .from(aiSources);
  return { signalIds: rows.map((r) => r.signalId), followed: rows.some((r) => r.followed) };
}
