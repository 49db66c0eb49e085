import { cronRoute } from "@/lib/engine/cron-route";
import { runDueAiSources } from "@/lib/ai-sources";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

async function run(request: Request) {
  return cronRoute(request, () => runDueAiSources({ budgetMs: 40_000 }));
}

export const GET = run;
export const POST = run;
