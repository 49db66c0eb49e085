import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, lt, notInArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { strategiesForEvent, type PlanRow } from "@/db/queries/strategies";
import { signalEvents, signals, strategyExecutions, type SignalEvent } from "@/db/schema";
import { withCacheMemo } from "@/lib/cache";
import { getQueue } from "@/lib/queue";
import { ExchangeError } from "@/lib/exchanges";
import { LeaseLostError, RetryLater } from "./errors";
import { executeForStrategy, recordExecution } from "./execute";
import { log } from "@/lib/logger";

export const SIGNAL_QUEUE = "signals";
// Short leases renewed by a heartbeat while a drain works: a drain that dies (kill -9, a lost
// function instance) hands its jobs and signals back within seconds, not minutes. An order row the
// dead drain was sending stays its own until the lifecycle's abandoned-send time (never sent twice).
export const drainTiming = { jobLeaseMs: 10_000, signalLeaseMs: 10_000, heartbeatMs: 3_000 };
const ACCOUNT_CONCURRENCY = 4;
const MAX_ATTEMPTS = 8;

// "wait": another drain holds the signal or an earlier event comes first (not a failure);
// "retry": something failed and counts toward the poison limit.
type EventResult = "done" | "wait" | "retry";
const WAIT_MS = 500;
const BEHIND_MS = 1_000;

export { LeaseLostError } from "./errors";

/** Leases the signal of a queued event (one statement); null when the event is not queued or the signal is leased to another drain. */
async function leaseSignalOf(eventId: string, token: string): Promise<string | null> {
  const db = await getDb();
  const rows = await db
    .update(signals)
    .set({ drainToken: token, drainLeaseUntil: sql`now() + ${`${drainTiming.signalLeaseMs} milliseconds`}::interval` })
    .where(
      and(
        sql`${signals.id} = (select ${signalEvents.signalId} from ${signalEvents} where ${signalEvents.id} = ${eventId} and ${signalEvents.status} = 'queued')`,
        sql`(${signals.drainLeaseUntil} is null or ${signals.drainLeaseUntil} < now() or ${signals.drainToken} = ${token})`,
      ),
    )
    .returning({ id: signals.id });
  return rows[0]?.id ?? null;
}

/**
 * Renews this drain's own lease on a signal while it is still in force; false when it lapsed or another
 * drain holds it (never re-takes a lapsed lease: a drain that stalled past it must learn it lost it).
 */
async function renewSignal(signalId: string, token: string): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(signals)
    .set({ drainLeaseUntil: sql`now() + ${`${drainTiming.signalLeaseMs} milliseconds`}::interval` })
    .where(and(eq(signals.id, signalId), eq(signals.drainToken, token), sql`${signals.drainLeaseUntil} >= now()`))
    .returning({ id: signals.id });
  return rows.length > 0;
}

async function releaseSignal(signalId: string, token: string) {
  const db = await getDb();
  await db
    .update(signals)
    .set({ drainToken: null, drainLeaseUntil: null })
    .where(and(eq(signals.id, signalId), eq(signals.drainToken, token)));
}

/** Strategies on different accounts run in parallel (bounded); on one account, one after another. */
async function fanOut(event: SignalEvent, rows: PlanRow[], guard: () => Promise<void>) {
  const byAccount = new Map<string, PlanRow[]>();
  for (const row of rows) byAccount.set(row.strategy.accountId, [...(byAccount.get(row.strategy.accountId) ?? []), row]);
  const groups = [...byAccount.values()];
  let deferred: Error | undefined;
  const worker = async () => {
    for (let group = groups.shift(); group; group = groups.shift()) {
      for (const row of group) {
        if (deferred instanceof LeaseLostError) return;
        try {
          await executeForStrategy(event, row, guard);
        } catch (error) {
          if (error instanceof LeaseLostError) {
            deferred = error;
            continue;
          }
          if (error instanceof RetryLater) {
            // The event comes back after the shortest wait any of its strategies asked for.
            if (!deferred || (deferred instanceof RetryLater && (error.delayMs ?? WAIT_MS) < (deferred.delayMs ?? WAIT_MS))) deferred = error;
            continue;
          }
          // One strategy's failure (a decryption error, an exchange outage) must not stop the others;
          // it is recorded so the trader sees it.
          const code = error instanceof ExchangeError ? error.code : "unknown";
          log({ strategyId: row.strategy.id, eventId: event.id }).error({ errorCode: code, err: error }, "strategy failed on event");
          await recordExecution({ strategyId: row.strategy.id, eventId: event.id, leg: event.action, outcome: "failed", reason: code }).catch(() => {});
        }
      }
    }
  };
  // Every worker finishes before the event is settled or handed back: nothing runs on after the lease.
  await Promise.all(Array.from({ length: Math.min(ACCOUNT_CONCURRENCY, groups.length) }, worker));
  if (deferred) throw deferred;
}

/**
 * Where the earlier events of the signal still queued stand: each strategy takes the signal's events in
 * arrival order (a close never overtakes its buy), but only behind its own unfinished ones. `untried`: an
 * earlier event that concerns every strategy here has finished for none (not tried yet, or every one is
 * waiting), so all of them are behind it.
 */
async function earlierEvents(event: SignalEvent) {
  const db = await getDb();
  const earlier = await db
    .select({ id: signalEvents.id, testStrategyId: signalEvents.testStrategyId })
    .from(signalEvents)
    .where(
      and(
        eq(signalEvents.signalId, event.signalId),
        eq(signalEvents.status, "queued"),
        eq(signalEvents.symbol, event.symbol),
        lt(signalEvents.seq, event.seq),
      ),
    );
  if (earlier.length === 0) return { untried: false, behind: () => new Set<string>() };
  const finished = await db
    .select({ strategyId: strategyExecutions.strategyId, eventId: strategyExecutions.eventId })
    .from(strategyExecutions)
    .where(and(inArray(strategyExecutions.eventId, earlier.map((e) => e.id)), notInArray(strategyExecutions.outcome, ["waiting", "unknown"])));
  const done = new Set(finished.map((f) => `${f.strategyId}:${f.eventId}`));
  const touched = new Set(finished.map((f) => f.eventId));
  return {
    untried: earlier.some((e) => !e.testStrategyId && !touched.has(e.id)),
    /** The strategies of `rows` an earlier event has not finished for. */
    behind: (rows: PlanRow[]) =>
      new Set(
        rows
          .filter(({ strategy }) => earlier.some((e) => (!e.testStrategyId || e.testStrategyId === strategy.id) && !done.has(`${strategy.id}:${e.id}`)))
          .map(({ strategy }) => strategy.id),
      ),
  };
}

/**
 * Executes one event. Events of one signal are processed one at a time (the signal is leased); each
 * strategy takes them in arrival order, so a strategy still finishing an earlier event waits while the
 * others go on: one strategy's transient wait (a 429, a 5xx, a busy position) holds no one else.
 */
export async function processEvent(eventId: string, token: string): Promise<EventResult> {
  return (await processEventAt(eventId, token)).result;
}

/** `processEvent`, also saying where the event stands in its signal (for the drain to run its followers). */
async function processEventAt(eventId: string, token: string): Promise<{ result: EventResult; signalId?: string; seq?: number }> {
  const db = await getDb();
  const signalId = await leaseSignalOf(eventId, token);
  if (!signalId) {
    const [first] = await db.select({ status: signalEvents.status }).from(signalEvents).where(eq(signalEvents.id, eventId));
    return { result: !first || first.status !== "queued" ? "done" : "wait" };
  }
  // Renewed while this event runs; a renewal that fails (the lease lapsed and another drain took the
  // signal) is caught by the guard before the next strategy.
  // One beat at a time (a slow database does not pile them up), and the last one awaited before release.
  let beat: Promise<unknown> | null = null;
  const heartbeat = setInterval(() => {
    beat ??= renewSignal(signalId, token)
      .catch(() => false)
      .finally(() => (beat = null));
  }, drainTiming.heartbeatMs);
  try {
    // Read under the lease: another drain may have finished it meanwhile.
    const [event] = await db.select().from(signalEvents).where(eq(signalEvents.id, eventId));
    if (!event || event.status !== "queued") return { result: "done", signalId, seq: event?.seq };
    const earlier = await earlierEvents(event);
    if (earlier.untried) return { result: "wait" };
    const rows = await strategiesForEvent(event.signalId, event.symbol, event.testStrategyId);
    const behind = earlier.behind(rows);
    if (behind.size === rows.length && rows.length > 0) return { result: "wait" };
    const guard = async () => {
      if (!(await renewSignal(event.signalId, token))) throw new LeaseLostError();
    };
    // One memo of the shared cache per event: its strategies read a ticker or market list once.
    await withCacheMemo(() => fanOut(event, behind.size > 0 ? rows.filter((r) => !behind.has(r.strategy.id)) : rows, guard));
    // The strategies behind an earlier event take this one once they are through it (the earlier
    // event finishing runs its followers at once; this job's return is the backstop).
    if (behind.size > 0) throw new RetryLater("behind_earlier_event", BEHIND_MS);
    await db.update(signalEvents).set({ status: "done", processedAt: new Date() }).where(eq(signalEvents.id, event.id));
    return { result: "done", signalId, seq: event.seq };
  } finally {
    clearInterval(heartbeat);
    await beat;
    await releaseSignal(signalId, token);
  }
}

/**
 * After an event is done, the signal's next queued events run at once in the same drain (each still leased
 * and ordered as `processEvent` does), instead of waiting for their own jobs to come round: a burst on one
 * signal does not pay a queue round trip per event. Their jobs find them done. Stops at the first event
 * that is not done now (it keeps its own job, and with it its backoff).
 */
async function runFollowingEvents(current: { signalId: string; seq: number }, token: string, deadline: number) {
  const db = await getDb();
  let done = 0;
  for (let seq = current.seq; done < MAX_FOLLOWING && Date.now() < deadline; ) {
    const [next] = await db
      .select({ id: signalEvents.id, seq: signalEvents.seq })
      .from(signalEvents)
      .where(and(eq(signalEvents.signalId, current.signalId), eq(signalEvents.status, "queued"), sql`${signalEvents.seq} > ${seq}`))
      .orderBy(signalEvents.seq)
      .limit(1);
    if (!next) break;
    const result = await processEvent(next.id, token).catch(() => "wait" as const);
    if (result !== "done") break;
    seq = next.seq;
    done += 1;
  }
  return done;
}
const MAX_FOLLOWING = 25;

const STALE_EVENT_MS = 2 * 60 * 1000;
const globalForRequeue = globalThis as unknown as { __sbRequeuedAt?: number };

/**
 * Backstop for an event whose job was lost (a crash between storing the event and queueing it): queued
 * events older than two minutes get a new job. A duplicate job is harmless: the event is done once.
 */
async function requeueStaleEvents() {
  if (Date.now() - (globalForRequeue.__sbRequeuedAt ?? 0) < 60_000) return;
  globalForRequeue.__sbRequeuedAt = Date.now();
  const db = await getDb();
  // Stamped in the same statement that picks them, so two drains never both give an event a job; an
  // event whose job waits is stamped on each wait (at most every WAIT_CAP_MS), so it is not picked.
  const stale = await db
    .update(signalEvents)
    .set({ nudgedAt: sql`now()` })
    .where(
      sql`${signalEvents.id} in (select ${signalEvents.id} from ${signalEvents}
        where ${signalEvents.status} = 'queued' and ${signalEvents.receivedAt} < now() - ${`${STALE_EVENT_MS} milliseconds`}::interval
          and (${signalEvents.nudgedAt} is null or ${signalEvents.nudgedAt} < now() - ${`${STALE_EVENT_MS} milliseconds`}::interval)
        limit 100 for update skip locked)`,
    )
    .returning({ id: signalEvents.id });
  if (stale.length === 0) return;
  const queue = await getQueue();
  for (const e of stale) await queue.enqueue(SIGNAL_QUEUE, { eventId: e.id });
}

const WAIT_CAP_MS = 30_000;

/** The delay before a waiting event's next try: short at first, doubling after ten waits, capped. */
export function waitDelayMs(waits: number, baseMs: number): number {
  if (waits < 10) return baseMs;
  return Math.max(baseMs, Math.min(baseMs * 2 ** (waits - 9), WAIT_CAP_MS));
}

/** Marks a waiting event as having a live job: on its first wait, every tenth and every long one, so never two minutes apart. */
async function stampWaiting(eventId: string) {
  const db = await getDb();
  await db.update(signalEvents).set({ nudgedAt: sql`now()` }).where(eq(signalEvents.id, eventId)).catch(() => {});
}

/** Drains the signal queue until it is empty or the time budget is spent; safe to run many at once. */
export async function drainSignals({ budgetMs = 25_000 }: { budgetMs?: number } = {}) {
  const queue = await getQueue();
  const token = randomUUID();
  const deadline = Date.now() + budgetMs;
  let processed = 0;
  await requeueStaleEvents().catch((error: unknown) => log().warn({ err: error }, "requeue of stale events failed"));
  while (Date.now() < deadline) {
    const jobs = await queue.claim(SIGNAL_QUEUE, { leaseMs: drainTiming.jobLeaseMs, limit: 5 });
    if (jobs.length === 0) break;
    // Every job of the batch not finished yet keeps its lease while the others run.
    const held = new Set(jobs);
    const heartbeat = setInterval(() => {
      for (const job of held) {
        void queue.extend(SIGNAL_QUEUE, job, drainTiming.jobLeaseMs).then(
          (kept) => (kept ? undefined : held.delete(job)),
          () => undefined,
        );
      }
    }, drainTiming.heartbeatMs);
    try {
      for (const job of jobs) {
        const eventId = String(job.payload.eventId ?? "");
        if (job.attempts > MAX_ATTEMPTS && eventId) {
          // A poison event is parked as failed for a person to look at, not retried for ever.
          const db = await getDb();
          await db.update(signalEvents).set({ status: "failed", processedAt: new Date() }).where(eq(signalEvents.id, eventId));
          await queue.ack(SIGNAL_QUEUE, job);
          held.delete(job);
          continue;
        }
        let result: EventResult = "done";
        let delayMs = WAIT_MS;
        let at: { signalId?: string; seq?: number } = {};
        try {
          ({ result, ...at } = eventId ? await processEventAt(eventId, token) : { result: "done" as const });
        } catch (error) {
          if (error instanceof LeaseLostError || error instanceof RetryLater) {
            result = "wait";
            if (error instanceof RetryLater && error.delayMs) delayMs = error.delayMs;
          } else {
            log({ eventId }).error({ err: error }, "signal event failed");
            result = "retry";
          }
        }
        if (result === "done") {
          await queue.ack(SIGNAL_QUEUE, job);
          processed += 1;
          if (at.signalId && at.seq !== undefined) processed += await runFollowingEvents({ signalId: at.signalId, seq: at.seq }, token, deadline).catch(() => 0);
        } else if (result === "wait") {
          // Waiting is not failing: a fresh job (attempts from zero) replaces this one, later the longer it waits.
          const waits = Number(job.payload.waits ?? 0) + 1;
          const delay = waitDelayMs(waits, delayMs);
          await queue.enqueue(SIGNAL_QUEUE, { eventId, waits }, { delayMs: delay });
          await queue.ack(SIGNAL_QUEUE, job);
          if (waits === 1 || waits % 10 === 0 || delay >= 5_000) await stampWaiting(eventId);
        } else {
          await queue.release(SIGNAL_QUEUE, job, { delayMs: 500 });
        }
        held.delete(job);
      }
    } finally {
      clearInterval(heartbeat);
    }
  }
  return { processed };
}
