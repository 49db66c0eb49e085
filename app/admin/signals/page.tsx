import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { BookOpen, Radio } from "lucide-react";
import { DeliveryLog } from "@/components/signals/delivery-log";
import { HowToSend } from "@/components/signals/how-to-send";
import { CreateSignalForm, RotateSecret, SignalEnabledToggle } from "@/components/signals/signal-forms";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { TrackRecordCard } from "@/components/signals/track-record-card";
import { listSignals } from "@/db/queries/signals";
import { deliveriesForReplay } from "@/db/queries/track-record";
import { replayTrackRecord } from "@/lib/statistics/track-record";
import { requirePageUser } from "@/lib/auth/session";
import { appOrigin } from "@/lib/env";
import { tradingViewTemplate, webhookUrl } from "@/lib/signals";
import { parseDeliveryParams } from "./search-params";

export async function generateMetadata() {
  const t = await getTranslations("signals");
  return { title: t("title") };
}

export default async function AdminSignalsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser("signals.manage", "/admin/signals");
  const t = await getTranslations("signals");
  const format = await getFormatter();
  const { filters, ignored } = parseDeliveryParams(await searchParams);
  const list = await listSignals();
  const deliveries = await deliveriesForReplay(list.map((s) => s.id));
  const origin = appOrigin();
  const templates: Record<string, string> = { "*": tradingViewTemplate("") };
  for (const s of list) templates[s.name] = tradingViewTemplate(s.name);

  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")}>
        <Button asChild variant="outline">
          <Link href="/admin/api">
            <BookOpen />
            {t("apiDocs")}
          </Link>
        </Button>
      </PageHeader>
      <Card className="mb-6">
        <CardHeader>
          <CardTitle>{t("newTitle")}</CardTitle>
          <CardDescription>{t("newBody")}</CardDescription>
        </CardHeader>
        <CardContent>
          <CreateSignalForm templates={templates} />
        </CardContent>
      </Card>

      {list.length === 0 ? (
        <EmptyState icon={Radio} title={t("emptyTitle")} description={t("emptyBody")} className="mb-6" />
      ) : (
        <div className="mb-6 grid gap-3" data-testid="signal-list">
          {list.map((s) => (
            <Card key={s.id} data-testid="signal" data-name={s.name}>
              <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <CardTitle className="flex flex-wrap items-center gap-2 wrap-anywhere">
                    {s.name}
                    <Badge variant={s.enabled ? "success" : "outline"}>{s.enabled ? t("enabled") : t("disabled")}</Badge>
                    {s.signingScheme === "legacy" ? (
                      <Badge variant="warning" data-testid="legacy-signing">
                        {t("legacySigning")}
                      </Badge>
                    ) : null}
                  </CardTitle>
                  <CardDescription className="wrap-anywhere">{s.description || t("noDescription")}</CardDescription>
                  <p className="mt-2 break-all font-mono text-xs text-muted-foreground" data-testid="webhook-url">
                    POST {webhookUrl(origin, s.name)}
                  </p>
                  <p className="text-xs text-muted-foreground">
                    {t("secretHint", { hint: s.secretHint, date: format.dateTime(s.secretRotatedAt, { dateStyle: "medium" }) })}
                  </p>
                  {s.signingScheme === "legacy" ? (
                    <p className="mt-2 max-w-prose text-xs text-amber-700 dark:text-amber-400" data-testid="legacy-signing-note">
                      {t("legacySigningNote")}
                    </p>
                  ) : null}
                </div>
                <div className="flex items-start gap-2">
                  <SignalEnabledToggle signalId={s.id} enabled={s.enabled} />
                  <RotateSecret signalId={s.id} name={s.name} template={templates[s.name]!} />
                </div>
              </CardHeader>
              <CardContent className="grid gap-3">
                <TrackRecordCard record={replayTrackRecord(deliveries.get(s.id) ?? [])} />
                <details>
                  <summary className="cursor-pointer text-sm font-medium">{t("template")}</summary>
                  <pre className="mt-2 whitespace-pre-wrap break-all rounded bg-muted p-3 font-mono text-xs">{templates[s.name]}</pre>
                </details>
                <HowToSend url={webhookUrl(origin, s.name)} legacy={s.signingScheme === "legacy"} />
              </CardContent>
            </Card>
          ))}
        </div>
      )}

      <DeliveryLog filters={filters} ignored={ignored} signalNames={list.map((s) => s.name)} />
    </>
  );
}
