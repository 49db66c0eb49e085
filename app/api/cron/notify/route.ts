import { cronRoute } from "@/lib/engine/cron-route";
import { trackJob } from "@/lib/metrics/jobs";
import { drainNotifications } from "@/lib/notifications";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

async function run(request: Request) {
  return cronRoute(request, () => trackJob("notify", "cron", () => drainNotifications({ budgetMs: 45_000 })));
}

export const GET = run;
export const POST = run;
