import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, lt, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { strategiesForEvent, type PlanRow } from "@/db/queries/strategies";
import { signalEvents, signals, type SignalEvent } from "@/db/schema";
import { getQueue } from "@/lib/queue";
import { executeForStrategy } from "./execute";

export const SIGNAL_QUEUE = "signals";
const JOB_LEASE_MS = 120_000;
const SIGNAL_LEASE_MS = 90_000;
const ACCOUNT_CONCURRENCY = 4;
const MAX_ATTEMPTS = 8;

type EventResult = "done" | "retry";

async function leaseSignal(signalId: string, token: string): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(signals)
    .set({ drainToken: token, drainLeaseUntil: sql`now() + ${`${SIGNAL_LEASE_MS} milliseconds`}::interval` })
    .where(
      and(
        eq(signals.id, signalId),
        sql`(${signals.drainLeaseUntil} is null or ${signals.drainLeaseUntil} < now() or ${signals.drainToken} = ${token})`,
      ),
    )
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
async function fanOut(event: SignalEvent, rows: PlanRow[]) {
  const byAccount = new Map<string, PlanRow[]>();
  for (const row of rows) byAccount.set(row.strategy.accountId, [...(byAccount.get(row.strategy.accountId) ?? []), row]);
  const groups = [...byAccount.values()];
  const worker = async () => {
    for (let group = groups.shift(); group; group = groups.shift()) {
      for (const row of group) {
        try {
          await executeForStrategy(event, row);
        } catch (error) {
          // One strategy's failure (a decryption error, an exchange outage) must not stop the others.
          console.error(`Strategy ${row.strategy.id} failed on event ${event.id}:`, error instanceof Error ? error.message : error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ACCOUNT_CONCURRENCY, groups.length) }, worker));
}

/**
 * Executes one event. Events of one signal run one at a time and in arrival order (a close never overtakes
 * the buy before it): the signal is leased, and an event waits while an earlier one is still queued.
 */
export async function processEvent(eventId: string, token: string): Promise<EventResult> {
  const db = await getDb();
  const [event] = await db.select().from(signalEvents).where(eq(signalEvents.id, eventId));
  if (!event || event.status !== "queued") return "done";
  if (!(await leaseSignal(event.signalId, token))) return "retry";
  try {
    const [earlier] = await db
      .select({ id: signalEvents.id })
      .from(signalEvents)
      .where(and(eq(signalEvents.signalId, event.signalId), eq(signalEvents.status, "queued"), lt(signalEvents.seq, event.seq)))
      .limit(1);
    if (earlier) return "retry";
    const rows = await strategiesForEvent(event.signalId, event.symbol, event.testStrategyId);
    await fanOut(event, rows);
    await db.update(signalEvents).set({ status: "done", processedAt: new Date() }).where(eq(signalEvents.id, event.id));
    return "done";
  } finally {
    await releaseSignal(event.signalId, token);
  }
}

/** Drains the signal queue until it is empty or the time budget is spent; safe to run many at once. */
export async function drainSignals({ budgetMs = 25_000 }: { budgetMs?: number } = {}) {
  const queue = await getQueue();
  const token = randomUUID();
  const deadline = Date.now() + budgetMs;
  let processed = 0;
  while (Date.now() < deadline) {
    const jobs = await queue.claim(SIGNAL_QUEUE, { leaseMs: JOB_LEASE_MS, limit: 5 });
    if (jobs.length === 0) break;
    for (const job of jobs) {
      const eventId = String(job.payload.eventId ?? "");
      if (job.attempts > MAX_ATTEMPTS && eventId) {
        // A poison event is parked as failed for a person to look at, not retried for ever.
        const db = await getDb();
        await db.update(signalEvents).set({ status: "failed", processedAt: new Date() }).where(eq(signalEvents.id, eventId));
        await queue.ack(SIGNAL_QUEUE, job);
        continue;
      }
      let result: EventResult = "done";
      try {
        result = eventId ? await processEvent(eventId, token) : "done";
      } catch (error) {
        console.error(`Signal event ${eventId} failed:`, error instanceof Error ? error.message : error);
        result = "retry";
      }
      if (result === "done") {
        await queue.ack(SIGNAL_QUEUE, job);
        processed += 1;
      } else {
        await queue.release(SIGNAL_QUEUE, job, { delayMs: 500 });
      }
    }
  }
  return { processed };
}
