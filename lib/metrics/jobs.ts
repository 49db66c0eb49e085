import "server-only";
import { recordJobRun } from "@/db/queries/operations";
import type { JobTrigger } from "@/db/schema";
import { describeError } from "@/lib/log";
import { log, withLogContext } from "@/lib/logger";
import { metrics } from "./registry";

/**
 * Runs a scheduled job and books it: its duration in the metrics, and its last start, end, duration and
 * outcome in `job_runs` (one upsert; a failed write is logged, never the job's failure).
 */
export async function trackJob<T extends { processed: number }>(job: string, trigger: JobTrigger, run: () => Promise<T>): Promise<T> {
  const startedAt = new Date();
  const started = performance.now();
  let outcome: "ok" | "failed" = "ok";
  let error: string | null = null;
  let processed = 0;
  try {
    const result = await withLogContext({ job }, run);
    processed = result.processed;
    return result;
  } catch (thrown) {
    outcome = "failed";
    error = describeError(thrown);
    throw thrown;
  } finally {
    const seconds = (performance.now() - started) / 1000;
    const m = metrics();
    m.jobRuns.inc({ job, outcome });
    m.jobSeconds.observe({ job }, seconds);
    if (job === "drain") m.drainSeconds.observe({ trigger }, seconds);
    log({ job, trigger }).debug({ outcome, processed, ms: Math.round(seconds * 1000) }, "job finished");
    await recordJobRun({ job, trigger, startedAt, finishedAt: new Date(), outcome, processed, error }).catch((failure: unknown) =>
      log({ job }).warn({ err: failure }, "job run not recorded"),
    );
  }
}

/** A drain outside the schedule (right after a webhook): timed, not booked as a cron run. */
export async function timeDrain<T>(trigger: "ingest", run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    metrics().drainSeconds.observe({ trigger }, (performance.now() - started) / 1000);
  }
}
