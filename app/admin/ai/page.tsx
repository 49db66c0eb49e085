import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Bot, Pencil } from "lucide-react";
import { AiRunList } from "@/components/ai/run-list";
import { AiSourceControls } from "@/components/ai/source-controls";
import { AiSourceForm } from "@/components/ai/source-form";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { listAiSources, recentAiRuns } from "@/db/queries/ai-sources";
import { listSignals } from "@/db/queries/signals";
import { DEFAULT_PROMPT_TEMPLATE } from "@/lib/ai-sources/prompt";
import { tokenCost } from "@/lib/ai-sources/cost";
import { requirePageUser } from "@/lib/auth/session";

export async function generateMetadata() {
  const t = await getTranslations("ai");
  return { title: t("title") };
}

export default async function AdminAiPage() {
  await requirePageUser("signals.manage", "/admin/ai");
  const t = await getTranslations("ai");
  const format = await getFormatter();
  const [sources, signals] = await Promise.all([listAiSources(), listSignals()]);
  const runs = await Promise.all(sources.map((s) => recentAiRuns(s.id, 5)));

  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      <Card className="mb-6">
        <CardHeader>
          <CardTitle>{t("newTitle")}</CardTitle>
          <CardDescription>{t("newBody")}</CardDescription>
        </CardHeader>
        <CardContent>
          {signals.length === 0 ? (
            <p className="text-sm text-muted-foreground">
              {t("needSignal")}{" "}
              <Link className="underline" href="/admin/signals">
                {t("signalsPage")}
              </Link>
            </p>
          ) : (
            <AiSourceForm
              signals={signals.map((s) => ({ id: s.id, name: s.name }))}
              initial={{
                name: "",
                baseUrl: "https://api.deepseek.com/v1",
                model: "deepseek-chat",
                keyHint: null,
                signalId: signals[0]!.id,
                symbols: "BTC/USDT",
                candleSource: "paper",
                interval: "1h",
                everyMinutes: "60",
                promptTemplate: DEFAULT_PROMPT_TEMPLATE,
                minConfidence: "0.7",
                dailySignalCap: "10",
                dailyTokenCap: "200000",
                inputPricePerM: "0.27",
                outputPricePerM: "1.10",
              }}
            />
          )}
        </CardContent>
      </Card>

      {sources.length === 0 ? (
        <EmptyState icon={Bot} title={t("emptyTitle")} description={t("emptyBody")} />
      ) : (
        <div className="grid gap-4" data-testid="ai-sources">
          {sources.map((s, i) => (
            <Card key={s.id} data-testid="ai-source">
              <CardHeader>
                <div className="flex flex-wrap items-center gap-2">
                  <CardTitle className="break-all">{s.name}</CardTitle>
                  <Badge variant={s.enabled ? "success" : "secondary"}>{s.enabled ? t("enabled") : t("disabled")}</Badge>
                  {s.lastOutcome ? <Badge variant="outline">{t(`outcomes.${s.lastOutcome}`)}</Badge> : null}
                  <Button asChild size="sm" variant="ghost" className="ml-auto">
                    <Link href={`/admin/ai/${s.id}`} data-testid="ai-edit">
                      <Pencil />
                      {t("edit")}
                    </Link>
                  </Button>
                </div>
                <CardDescription className="break-all">
                  {t("summary", { model: s.model, signal: s.signalName, symbols: s.symbols.join(", "), interval: s.interval, every: s.everyMinutes })}
                </CardDescription>
              </CardHeader>
              <CardContent className="grid gap-4">
                <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
                  <div>
                    <dt className="text-muted-foreground">{t("lastRun")}</dt>
                    <dd>{s.lastRunAt ? format.relativeTime(s.lastRunAt, new Date()) : t("never")}</dd>
                  </div>
                  <div>
                    <dt className="text-muted-foreground">{t("signalsToday")}</dt>
                    <dd>
                      {s.signalsToday} / {s.dailySignalCap}
                    </dd>
                  </div>
                  <div>
                    <dt className="text-muted-foreground">{t("tokens")}</dt>
                    <dd>{format.number(s.tokensIn + s.tokensOut)}</dd>
                  </div>
                  <div>
                    <dt className="text-muted-foreground">{t("cost")}</dt>
                    <dd data-testid="ai-cost">${tokenCost(s.tokensIn, s.tokensOut, s.inputPricePerM, s.outputPricePerM)}</dd>
                  </div>
                </dl>
                <AiSourceControls sourceId={s.id} name={s.name} enabled={s.enabled} />
                <div>
                  <h4 className="mb-2 text-sm font-medium">{t("lastRuns")}</h4>
                  <AiRunList runs={runs[i]!} />
                </div>
              </CardContent>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
