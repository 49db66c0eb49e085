import { drainSignals, monitorOrders } from "@/lib/engine";
import { cronRoute } from "@/lib/engine/cron-route";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

async function run(request: Request) {
  return cronRoute(request, async () => {
    const result = await drainSignals({ budgetMs: 40_000 });
    // Fills from what was just sent are booked right away, not a minute later.
    if (result.processed > 0) await monitorOrders({ budgetMs: 10_000 });
    return result;
  });
}

export const GET = run;
export const POST = run;
