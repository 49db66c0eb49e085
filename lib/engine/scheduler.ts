import "server-only";
import { log } from "@/lib/logger";

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
        const { trackJob } = await import("@/lib/metrics/jobs");
        await trackJob("drain", "in_process", () => drainSignals({ budgetMs: 4_000 }));
        await trackJob("monitor", "in_process", () => monitorOrders({ budgetMs: 4_000 }));
        await import("@/lib/statistics/equity").then(({ snapshotEquity }) => trackJob("equity", "in_process", () => snapshotEquity({ budgetMs: 2_000 })));
        await import("@/lib/rebalancer").then(({ rebalanceDue }) => trackJob("rebalance", "in_process", () => rebalanceDue({ budgetMs: 3_000 })));
        await import("@/lib/ai-sources").then(({ startDueAiSources }) => trackJob("ai", "in_process", startDueAiSources));
        // Notifications go out after the signals' work, never inside a signal's lease.
        await import("@/lib/notifications/drain").then(({ drainNotifications }) => trackJob("notify", "in_process", () => drainNotifications({ budgetMs: 3_000 })));
      })
      .catch((error: unknown) => log({ job: "in-process" }).warn({ err: error }, "in-process cron failed"))
      .finally(() => {
        running = false;
      });
  }, TICK_MS);
  globalForScheduler.__sbScheduler.unref?.();
}
