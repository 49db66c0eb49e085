import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { queueJobs } from "@/db/schema";
import { groupCommit } from "@/lib/group-commit";
import { checkLimit, checkMs, type Queue, type QueueJob } from "./types";

/** `db.execute()` yields `{ rows }` on PGlite and an array (RowList) on postgres.js. */
async function executeRows<T extends Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

const isRowId = (id: string) => /^[1-9]\d{0,15}$/.test(id);

const msInterval = (ms: number) => sql`(${ms}::double precision * interval '1 millisecond')`;

/** Jobs in the `queue_jobs` table; every time comparison uses the database clock. */
/** One queue per database handle, so every caller's enqueues on it are batched together. */
const queues = new WeakMap<Database, Queue>();

export function createPostgresQueue(db: Database): Queue {
  const known = queues.get(db);
  if (known) return known;
  // Jobs enqueued at once (a burst of webhooks) are inserted together, one statement per batch. The ids
  // come from the table's sequence in the order of the rows, so the sorted ids answer the rows in order.
  const insertJobs = groupCommit(async (jobs: { queue: string; payload: Record<string, unknown>; delayMs: number }[]) => {
    const rows = await db
      .insert(queueJobs)
      .values(jobs.map((j) => ({ queue: j.queue, payload: j.payload, availableAt: sql`now() + ${msInterval(j.delayMs)}` })))
      .returning({ id: queueJobs.id });
    if (rows.length !== jobs.length) throw new Error(`queue_jobs insert returned ${rows.length} rows for ${jobs.length}`);
    return rows
      .map((r) => BigInt(r.id))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map(String);
    // One statement: a failed batch stored nothing, so its jobs are tried alone (one bad payload fails only itself).
  }, { isolateFailures: true });

  const created: Queue = {
    driver: "postgres",

    async enqueue(queue, payload, opts) {
      const delayMs = checkMs("delayMs", opts?.delayMs);
      return insertJobs({ queue, payload, delayMs });
    },

    async claim(queue, opts) {
      const leaseMs = checkMs("leaseMs", opts.leaseMs, 1);
      const limit = checkLimit(opts.limit);
      // SKIP LOCKED lets concurrent claimers pass each other; a row another claimer committed meanwhile is
      // re-checked against the WHERE under READ COMMITTED, so a fresh lease is never taken twice.
      const rows = await executeRows<{ id: unknown; payload: unknown; attempts: unknown; lease_token: unknown }>(
        db,
        sql`update queue_jobs
            set lease_token = gen_random_uuid()::text,
                lease_until = now() + ${msInterval(leaseMs)},
                attempts = attempts + 1
            where id in (
              select id from queue_jobs
              where queue = ${queue} and available_at <= now() and (lease_until is null or lease_until < now())
              order by id
              limit ${limit}::int
              for update skip locked
            )
            returning id, payload, attempts, lease_token`,
      );
      const jobs: QueueJob[] = rows.map((r) => ({
        id: String(r.id),
        payload: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
        attempts: Number(r.attempts),
        leaseToken: String(r.lease_token),
      }));
      // RETURNING has no defined order.
      return jobs.sort((a, b) => Number(a.id) - Number(b.id));
    },

    async ack(queue, job) {
      if (!isRowId(job.id)) return false;
      const deleted = await db
        .delete(queueJobs)
        .where(and(eq(queueJobs.id, Number(job.id)), eq(queueJobs.queue, queue), eq(queueJobs.leaseToken, job.leaseToken)))
        .returning({ id: queueJobs.id });
      return deleted.length > 0;
    },

    async extend(queue, job, leaseMs) {
      const ms = checkMs("leaseMs", leaseMs, 1);
      if (!isRowId(job.id)) return false;
      const updated = await db
        .update(queueJobs)
        .set({ leaseUntil: sql`now() + ${msInterval(ms)}` })
        // A lapsed lease is lost even before another worker claims it (as in the Redis driver).
        .where(
          and(
            eq(queueJobs.id, Number(job.id)),
            eq(queueJobs.queue, queue),
            eq(queueJobs.leaseToken, job.leaseToken),
            sql`${queueJobs.leaseUntil} >= now()`,
          ),
        )
        .returning({ id: queueJobs.id });
      return updated.length > 0;
    },

    async release(queue, job, opts) {
      const delayMs = checkMs("delayMs", opts?.delayMs);
      if (!isRowId(job.id)) return false;
      const updated = await db
        .update(queueJobs)
        .set({ leaseToken: null, leaseUntil: null, availableAt: sql`now() + ${msInterval(delayMs)}` })
        .where(and(eq(queueJobs.id, Number(job.id)), eq(queueJobs.queue, queue), eq(queueJobs.leaseToken, job.leaseToken)))
        .returning({ id: queueJobs.id });
      return updated.length > 0;
    },

    async size(queue) {
      const [row] = await executeRows<{ ready: unknown; leased: unknown }>(
        db,
        sql`select count(*) filter (where lease_until is null or lease_until < now()) as ready,
                   count(*) filter (where lease_until >= now()) as leased
            from queue_jobs where queue = ${queue}`,
      );
      return { ready: Number(row?.ready ?? 0), leased: Number(row?.leased ?? 0) };
    },
  };
  queues.set(db, created);
  return created;
}
