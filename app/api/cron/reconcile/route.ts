import { cronRoute } from "@/lib/engine/cron-route";
import { reconcilePositions } from "@/lib/reconcile";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

async function run(request: Request) {
  return cronRoute(request, () => reconcilePositions({ budgetMs: 45_000 }));
}

export const GET = run;
export const POST = run;
