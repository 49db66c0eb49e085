import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { BookOpen, Radio } from "lucide-react";
import { CreateSignalForm, RotateSecret, SignalEnabledToggle } from "@/components/signals/signal-forms";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { listSignals, recentDeliveries } from "@/db/queries/signals";
import { requirePageUser } from "@/lib/auth/session";
import { appOrigin } from "@/lib/env";
import { tradingViewTemplate, webhookUrl } from "@/lib/signals";

export async function generateMetadata() {
  const t = await getTranslations("signals");
  return { title: t("title") };
}

export default async function AdminSignalsPage() {
  await requirePageUser("signals.manage", "/admin/signals");
  const t = await getTranslations("signals");
  const format = await getFormatter();
  const [list, deliveries] = await Promise.all([listSignals(), recentDeliveries(30)]);
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
        <EmptyState icon={Radio} title={t("emptyTitle")} description={t("emptyBody")} />
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
              <CardContent>
                <details>
                  <summary className="cursor-pointer text-sm font-medium">{t("template")}</summary>
                  <pre className="mt-2 whitespace-pre-wrap break-all rounded bg-muted p-3 font-mono text-xs">{templates[s.name]}</pre>
                </details>
              </CardContent>
            </Card>
          ))}
        </div>
      )}

      <Card>
        <CardHeader>
          <CardTitle>{t("deliveries")}</CardTitle>
          <CardDescription>{t("deliveriesBody")}</CardDescription>
        </CardHeader>
        <CardContent>
          {deliveries.length === 0 ? (
            <p className="py-4 text-center text-sm text-muted-foreground">{t("noDeliveries")}</p>
          ) : (
            <div className="overflow-x-auto">
              <Table data-testid="deliveries">
                <TableHeader>
                  <TableRow className="hover:bg-transparent">
                    <TableHead>{t("colTime")}</TableHead>
                    <TableHead>{t("colSignal")}</TableHead>
                    <TableHead>{t("colAction")}</TableHead>
                    <TableHead>{t("colOutcome")}</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {deliveries.map((d) => (
                    <TableRow key={d.id} data-testid="delivery" data-outcome={d.outcome}>
                      <TableCell className="whitespace-nowrap text-muted-foreground">{format.dateTime(d.receivedAt, { dateStyle: "short", timeStyle: "medium" })}</TableCell>
                      <TableCell className="font-medium">{d.signalName}</TableCell>
                      <TableCell>{[d.action, d.symbol].filter(Boolean).join(" ") || "—"}</TableCell>
                      <TableCell>
                        <Badge variant={d.outcome === "accepted" ? "success" : d.outcome === "duplicate" ? "secondary" : "destructive"}>
                          {t(`outcome.${d.outcome}` as "outcome.accepted")}
                        </Badge>
                        {d.reason ? <span className="ml-2 text-xs text-muted-foreground">{d.reason}</span> : null}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
        </CardContent>
      </Card>
    </>
  );
}
