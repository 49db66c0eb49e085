import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ArrowLeft } from "lucide-react";
import { z } from "zod";
import { AiRunList } from "@/components/ai/run-list";
import { AiSourceControls } from "@/components/ai/source-controls";
import { AiSourceForm } from "@/components/ai/source-form";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { getAiSourceView, recentAiRuns } from "@/db/queries/ai-sources";
import { listSignals } from "@/db/queries/signals";
import { requirePageUser } from "@/lib/auth/session";

export default async function AdminAiSourcePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageUser("signals.manage", `/admin/ai/${id}`);
  if (!z.uuid().safeParse(id).success) notFound();
  const t = await getTranslations("ai");
  const source = await getAiSourceView(id);
  if (!source) notFound();
  const [signals, runs] = await Promise.all([listSignals(), recentAiRuns(id, 50)]);
  return (
    <>
      <PageHeader title={source.name} subtitle={t("editSubtitle")}>
        <Button asChild variant="outline">
          <Link href="/admin/ai">
            <ArrowLeft />
            {t("back")}
          </Link>
        </Button>
      </PageHeader>
      <Card className="mb-6">
        <CardContent className="pt-6">
          <AiSourceControls sourceId={source.id} name={source.name} enabled={source.enabled} />
        </CardContent>
      </Card>
      <Card className="mb-6">
        <CardHeader>
          <CardTitle>{t("settings")}</CardTitle>
        </CardHeader>
        <CardContent>
          <AiSourceForm
            signals={signals.map((s) => ({ id: s.id, name: s.name }))}
            initial={{
              id: source.id,
              name: source.name,
              baseUrl: source.baseUrl,
              model: source.model,
              keyHint: source.keyHint,
              signalId: source.signalId,
              symbols: source.symbols.join(", "),
              candleSource: source.candleSource,
              interval: source.interval,
              everyMinutes: String(source.everyMinutes),
              promptTemplate: source.promptTemplate,
              minConfidence: source.minConfidence,
              dailySignalCap: String(source.dailySignalCap),
              dailyTokenCap: String(source.dailyTokenCap),
              inputPricePerM: source.inputPricePerM,
              outputPricePerM: source.outputPricePerM,
            }}
          />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("lastRuns")}</CardTitle>
        </CardHeader>
        <CardContent>
          <AiRunList runs={runs} />
        </CardContent>
      </Card>
    </>
  );
}
