import { monitorOrders } from "@/lib/engine";
import { cronRoute } from "@/lib/engine/cron-route";
import { rebalanceDue } from "@/lib/rebalancer";
import { snapshotEquity } from "@/lib/statistics/equity";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

async function run(request: Request) {
  return cronRoute(request, async () => {
    const monitored = await monitorOrders({ budgetMs: 40_000 });
    // Part of the sync cycle: each account's equity once per 5-minute slot.
    const equity = await snapshotEquity({ budgetMs: 10_000 });
    // Rebalancers due by their interval or drift (and runs left unfinished) move on once a minute.
    const rebalanced = await rebalanceDue({ budgetMs: 5_000 });
    return { processed: monitored.processed + equity.processed + rebalanced.processed };
  });
}

export const GET = run;
export const POST = run;
