import { monitorOrders } from "@/lib/engine";
import { cronRoute } from "@/lib/engine/cron-route";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

async function run(request: Request) {
  return cronRoute(request, () => monitorOrders({ budgetMs: 45_000 }));
}

export const GET = run;
export const POST = run;
