import "server-only";
import { exchangeErrorsSince, listJobRuns, migrationLevel, outboxBacklog, pingDatabase, signalBacklog } from "@/db/queries/operations";
import type { JobRun } from "@/db/schema";
import { describeError } from "@/lib/log";
import { venueBudgets } from "@/lib/exchanges/budget/weights";
import { metrics } from "@/lib/metrics";
import { upstashRedis } from "@/lib/upstash";
import packageJson from "@/package.json";

/** The jobs the schedule runs (cron routes, and the in-process tick's equity snapshot and rebalancer), in page order. */
export const KNOWN_JOBS = ["drain", "monitor", "reconcile", "equity", "rebalance", "ai", "notify"] as const;

export type Probe = { state: "up" | "down" | "off"; ms: number | null; error?: string };

async function probe(run: (() => Promise<unknown>) | null): Promise<Probe> {
  if (!run) return { state: "off", ms: null };
  const started = performance.now();
  try {
    await run();
    return { state: "up", ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { state: "down", ms: Math.round(performance.now() - started), error: describeError(error) };
  }
}

async function budgetSeen() {
  const m = metrics();
  const [used, exhausted] = await Promise.all([m.budgetUsed.get(), m.budgetExhausted.get()]);
  const ratioOf = (venue: string) => used.values.find((v) => v.labels.venue === venue)?.value ?? null;
  const refusedOf = (venue: string) => exhausted.values.find((v) => v.labels.venue === venue)?.value ?? 0;
  return Object.entries(venueBudgets).map(([venue, budget]) => ({
    venue,
    limit: budget.limit,
    windowSeconds: budget.windowMs / 1000,
    usedRatio: ratioOf(venue),
    refused: refusedOf(venue),
  }));
}

/** Everything the admin system page shows, read in parallel; a part that fails shows as unavailable. */
export async function loadSystemSnapshot(now = new Date()) {
  const redis = upstashRedis({ timeoutMs: 2_000 });
  const [queue, runs, errors, outbox, database, redisProbe, migrations, budgets] = await Promise.all([
    signalBacklog().catch(() => null),
    listJobRuns().catch(() => [] as JobRun[]),
    exchangeErrorsSince(new Date(now.getTime() - 60 * 60_000)).catch(() => null),
    outboxBacklog().catch(() => null),
    probe(pingDatabase),
    probe(redis ? () => redis.ping() : null),
    migrationLevel().catch(() => null),
    budgetSeen(),
  ]);
  const byJob = new Map(runs.map((r) => [r.job, r]));
  const jobs = [...KNOWN_JOBS, ...runs.map((r) => r.job).filter((j) => !(KNOWN_JOBS as readonly string[]).includes(j))].map((job) => ({
    job,
    run: byJob.get(job) ?? null,
  }));
  return {
    at: now,
    queue: queue && { depth: queue.depth, oldestAgeSeconds: queue.oldestAt ? Math.max(0, Math.round((now.getTime() - queue.oldestAt.getTime()) / 1000)) : null },
    jobs,
    errors,
    outbox,
    database,
    redis: redisProbe,
    migrations,
    budgets,
    version: packageJson.version,
  };
}

export type SystemSnapshot = Awaited<ReturnType<typeof loadSystemSnapshot>>;
