import "server-only";
import { describeError } from "@/lib/log";

const TICK_MS = 5_000;
const globalForScheduler = globalThis as unknown as { __sbScheduler?: NodeJS.Timeout };

/**
 * Development (or INPROCESS_CRON=true): plays the cron's part in-process, once per server even when
 * Next.js evaluates this module in several bundles.
 */
export function startInProcessCron() {
  if (globalForScheduler.__sbScheduler) return;
  let running = false;
  globalForScheduler.__sbScheduler = setInterval(() => {
    if (running) return;
    running = true;
    void import("./index")
      .then(async ({ drainSignals, monitorOrders }) => {
        await drainSignals({ budgetMs: 4_000 });
        await monitorOrders({ budgetMs: 4_000 });
        await import("@/lib/statistics/equity").then(({ snapshotEquity }) => snapshotEquity({ budgetMs: 2_000 }));
      })
      .catch((error: unknown) => console.warn("In-process cron:", describeError(error)))
      .finally(() => {
        running = false;
      });
  }, TICK_MS);
  globalForScheduler.__sbScheduler.unref?.();
}
