import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Plus, Radio } from "lucide-react";
import { PageHeader } from "@/components/shell/app-shell";
import { TrackRecordCard } from "@/components/signals/track-record-card";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { listEnabledSignals } from "@/db/queries/strategies";
import { deliveriesForReplay } from "@/db/queries/track-record";
import { requirePageUser } from "@/lib/auth/session";
import { replayTrackRecord } from "@/lib/statistics/track-record";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("signals") };
}

/** The signals a trader may follow (the enabled ones, as the strategy form offers), each with its track record. */
export default async function SignalCataloguePage() {
  await requirePageUser("dashboard.view", "/dashboard/signals");
  const t = await getTranslations();
  const list = await listEnabledSignals();
  const deliveries = await deliveriesForReplay(list.map((s) => s.id));
  return (
    <>
      <PageHeader title={t("signalCatalogue.title")} subtitle={t("signalCatalogue.subtitle")} />
      {list.length === 0 ? (
        <EmptyState icon={Radio} title={t("signalCatalogue.emptyTitle")} description={t("signalCatalogue.emptyBody")} />
      ) : (
        <div className="grid gap-3 [&>*]:min-w-0" data-testid="signal-catalogue">
          {list.map((s) => (
            <Card key={s.id} data-testid="catalogue-signal" data-name={s.name}>
              <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <CardTitle className="wrap-anywhere">{s.name}</CardTitle>
                  <CardDescription className="wrap-anywhere">{s.description || t("signals.noDescription")}</CardDescription>
                </div>
                <Button asChild size="sm" variant="outline">
                  <Link href="/dashboard/strategies/new">
                    <Plus />
                    {t("signalCatalogue.follow")}
                  </Link>
                </Button>
              </CardHeader>
              <CardContent>
                <TrackRecordCard record={replayTrackRecord(deliveries.get(s.id) ?? [])} />
              </CardContent>
            </Card>
          ))}
        </div>
      )}
    </>
  );
}
