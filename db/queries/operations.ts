import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { getDb } from "../client";
import { exchangeErrorMinutes, jobRuns, notificationDeliveries, signalEvents, type JobOutcome, type JobRun, type JobTrigger } from "../schema";

/** One upsert per run: the job's last start, end, duration and outcome, and its running counts. */
export async function recordJobRun(run: {
  job: string;
  trigger: JobTrigger;
  startedAt: Date;
  finishedAt: Date;
  outcome: JobOutcome;
  processed: number;
  error?: string | null;
}): Promise<void> {
  const db = await getDb();
  const durationMs = Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime());
  const failed = run.outcome === "failed" ? 1 : 0;
  const values = {
    job: run.job,
    trigger: run.trigger,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs,
    outcome: run.outcome,
    processed: run.processed,
    error: run.error?.slice(0, 500) ?? null,
  };
  await db
    .insert(jobRuns)
    .values({ ...values, runs: 1, failures: failed, lastOkAt: failed ? null : run.finishedAt })
    .onConflictDoUpdate({
      target: jobRuns.job,
      set: {
        ...values,
        runs: sql`${jobRuns.runs} + 1`,
        failures: sql`${jobRuns.failures} + ${failed}`,
        lastOkAt: failed ? sql`${jobRuns.lastOkAt}` : run.finishedAt,
      },
    });
}

export async function listJobRuns(): Promise<JobRun[]> {
  const db = await getDb();
  return db.select().from(jobRuns).orderBy(asc(jobRuns.job));
}

/** Signal events waiting to run (whatever the queue driver) and when the oldest arrived. */
export async function signalBacklog(): Promise<{ depth: number; oldestAt: Date | null }> {
  const db = await getDb();
  const [row] = await db
    .select({ depth: sql<number>`count(*)::int`, oldest: sql<string | null>`min(${signalEvents.receivedAt})` })
    .from(signalEvents)
    .where(eq(signalEvents.status, "queued"));
  return { depth: Number(row?.depth ?? 0), oldestAt: row?.oldest ? new Date(row.oldest) : null };
}

const PRUNE_AFTER_MS = 24 * 60 * 60_000;

/** Counts one failed exchange call in its venue's current minute. */
export async function recordExchangeError(venue: string, at = new Date()): Promise<void> {
  const db = await getDb();
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  await db
    .insert(exchangeErrorMinutes)
    .values({ venue, minute, errors: 1 })
    .onConflictDoUpdate({ target: [exchangeErrorMinutes.venue, exchangeErrorMinutes.minute], set: { errors: sql`${exchangeErrorMinutes.errors} + 1` } });
  // Old minutes are dropped now and then by the writers themselves; nothing reads past an hour.
  if (Math.random() < 0.02) await db.delete(exchangeErrorMinutes).where(lt(exchangeErrorMinutes.minute, new Date(at.getTime() - PRUNE_AFTER_MS)));
}

/** Failed exchange calls per venue since `since`, most first. */
export async function exchangeErrorsSince(since: Date): Promise<{ venue: string; errors: number }[]> {
  const db = await getDb();
  const total = sql<number>`sum(${exchangeErrorMinutes.errors})::int`;
  const rows = await db
    .select({ venue: exchangeErrorMinutes.venue, errors: total })
    .from(exchangeErrorMinutes)
    .where(gte(exchangeErrorMinutes.minute, new Date(Math.floor(since.getTime() / 60_000) * 60_000)))
    .groupBy(exchangeErrorMinutes.venue)
    .orderBy(sql`2 desc`);
  return rows.map((r) => ({ venue: r.venue, errors: Number(r.errors) }));
}

/** The notification outbox: deliveries still to send, failed ones that will be retried, and given-up ones. */
export async function outboxBacklog(): Promise<{ pending: number; retrying: number; dead: number; oldestAt: Date | null }> {
  const db = await getDb();
  const [row] = await db
    .select({
      pending: sql<number>`count(*) filter (where ${notificationDeliveries.status} in ('pending', 'sending'))::int`,
      retrying: sql<number>`count(*) filter (where ${notificationDeliveries.status} = 'failed')::int`,
      dead: sql<number>`count(*) filter (where ${notificationDeliveries.status} = 'dead')::int`,
      oldest: sql<string | null>`min(${notificationDeliveries.createdAt}) filter (where ${notificationDeliveries.status} in ('pending', 'sending', 'failed'))`,
    })
    .from(notificationDeliveries);
  return {
    pending: Number(row?.pending ?? 0),
    retrying: Number(row?.retrying ?? 0),
    dead: Number(row?.dead ?? 0),
    oldestAt: row?.oldest ? new Date(row.oldest) : null,
  };
}

/** Gives every given-up delivery a fresh start; returns how many. */
export async function retryDeadDeliveries(): Promise<number> {
  const db = await getDb();
  const rows = await db
    .update(notificationDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: new Date(), leaseUntil: null, updatedAt: new Date() })
    .where(and(eq(notificationDeliveries.status, "dead")))
    .returning({ id: notificationDeliveries.id });
  return rows.length;
}

/** Round trip to the database. */
export async function pingDatabase(): Promise<void> {
  const db = await getDb();
  await db.execute(sql`select 1`);
}

/** The last migration drizzle applied, named from the journal, and how many there are. */
export async function migrationLevel(): Promise<{ applied: number; last: string | null; appliedAt: Date | null; known: number }> {
  const db = await getDb();
  const result = await db.execute(sql`select count(*)::int as applied, max(created_at) as last from drizzle.__drizzle_migrations`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { applied: number; last: string | number | null }[];
  const applied = Number(rows[0]?.applied ?? 0);
  const when = rows[0]?.last == null ? null : Number(rows[0].last);
  const journal = readJournal();
  const tag = when === null ? null : (journal.find((e) => e.when === when)?.tag ?? null);
  return { applied, last: tag, appliedAt: when === null ? null : new Date(when), known: journal.length };
}

function readJournal(): { tag: string; when: number }[] {
  try {
    const file = path.join(process.cwd(), "db", "migrations", "meta", "_journal.json");
    return (JSON.parse(readFileSync(file, "utf8")) as { entries: { tag: string; when: number }[] }).entries;
  } catch {
    return [];
  }
}
