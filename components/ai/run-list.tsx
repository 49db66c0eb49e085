import { getFormatter, getTranslations } from "next-intl/server";
import type { recentAiRuns } from "@/db/queries/ai-sources";
import { Badge } from "@/components/ui/badge";

type Run = Awaited<ReturnType<typeof recentAiRuns>>[number];

const VARIANT: Record<string, "success" | "secondary" | "warning" | "destructive" | "outline"> = {
  signal: "success",
  duplicate: "secondary",
  hold: "secondary",
  below_confidence: "outline",
  capped: "warning",
  rate_limited: "warning",
  timeout: "warning",
  no_candles: "warning",
  malformed: "destructive",
  refused: "destructive",
  failed: "destructive",
};

/** A source's last answers, newest first, with the model's reasoning in full. */
export async function AiRunList({ runs }: { runs: Run[] }) {
  const t = await getTranslations("ai");
  const format = await getFormatter();
  if (runs.length === 0) return <p className="text-sm text-muted-foreground">{t("noRuns")}</p>;
  return (
    <ul className="grid gap-3" data-testid="ai-runs">
      {runs.map((run) => (
        <li key={run.id} className="rounded-md border p-3 text-sm" data-testid="ai-run">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{run.symbol}</span>
            <Badge variant={VARIANT[run.outcome] ?? "outline"}>{t(`outcomes.${run.outcome}`)}</Badge>
            {run.action ? (
              <span>
                {run.action}
                {run.confidence ? ` · ${format.number(Number(run.confidence), { style: "percent" })}` : ""}
              </span>
            ) : null}
            <span className="ml-auto text-xs text-muted-foreground">{format.dateTime(run.createdAt, { dateStyle: "short", timeStyle: "short" })}</span>
          </div>
          {run.reasoning ? (
            <p className="mt-2 whitespace-pre-wrap break-words" data-testid="ai-reasoning">
              {run.reasoning}
            </p>
          ) : null}
          {run.error ? <p className="mt-2 break-words text-xs text-destructive">{run.error}</p> : null}
          <p className="mt-1 text-xs text-muted-foreground">
            {t("runMeta", { tokensIn: run.tokensIn, tokensOut: run.tokensOut, ms: run.latencyMs ?? 0 })}
          </p>
        </li>
      ))}
    </ul>
  );
}
