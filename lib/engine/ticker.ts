import "server-only";
import { describeError } from "@/lib/log";

const TICK_MS = 5_000;
const globalForTicker = globalThis as unknown as { __sbTicker?: NodeJS.Timeout };

/**
 * Development (or INPROCESS_CRON=true): plays the cron's part in-process, once per server even when
 * Next.js evaluates this module in several bundles.
 */
export function startInProcessCron() {
  if (globalForTicker.__sbTicker) return;
  let running = false;
  globalForTicker.__sbTicker = setInterval(() => {
    if (running) return;
    running = true;
    void import("./index")
      .then(async ({ drainSignals, syncOrders }) => {
        await drainSignals({ budgetMs: 4_000 });
        await syncOrders({ budgetMs: 4_000 });
      })
      .catch((error: unknown) => console.warn("In-process cron:", describeError(error)))
      .finally(() => {
        running = false;
      });
  }, TICK_MS);
  globalForTicker.__sbTicker.unref?.();
}
