import { Suspense } from "react";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Scale, Wallet } from "lucide-react";
import { PageHeader } from "@/components/shell/app-shell";
import { CurrentWeights } from "@/components/rebalancer/current-weights";
import { RunButtons } from "@/components/rebalancer/run-buttons";
import { PlanTable, RunHistory } from "@/components/rebalancer/run-tables";
import { SettingsForm, type SettingsValues } from "@/components/rebalancer/settings-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { listAccounts } from "@/db/queries/exchange-accounts";
import { getRebalancer, listRuns } from "@/db/queries/rebalancer";
import { requirePageUser } from "@/lib/auth/session";
import { nextRunAt } from "@/lib/rebalancer";
import { cn } from "@/lib/utils";

export async function generateMetadata() {
  const t = await getTranslations("rebalancer");
  return { title: t("title") };
}

const DEFAULTS: SettingsValues = {
  quote: "USDT",
  targets: [
    { asset: "BTC", weight: "50" },
    { asset: "USDT", weight: "50" },
  ],
  intervalHours: "24",
  driftPct: "",
  minTradeQuote: "10",
  dryRun: true,
  enabled: false,
};

// The rebalancer trades spot balances: a perpetuals-only account has none to rebalance.
const rebalanceable = (a: { spot: boolean; exchange: string }) => a.spot || a.exchange === "paper";

export default async function RebalancerPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requirePageUser("dashboard.view", "/dashboard/rebalancer");
  const t = await getTranslations("rebalancer");
  const format = await getFormatter();
  const accounts = await listAccounts(user.id);
  if (!accounts.length) {
    return (
      <>
        <PageHeader title={t("title")} subtitle={t("subtitle")} />
        <EmptyState icon={Wallet} title={t("noAccounts")} description={t("noAccountsBody")}>
          <Button asChild>
            <Link href="/dashboard/accounts/new">{t("addAccount")}</Link>
          </Button>
        </EmptyState>
      </>
    );
  }
  const wanted = (await searchParams).account;
  const account = accounts.find((a) => a.id === wanted) ?? accounts.find(rebalanceable) ?? accounts[0]!;
  const nav = (
    <nav aria-label={t("account")} className="mb-6 flex flex-wrap gap-2" data-testid="rebalancer-accounts">
      {accounts.map((a) => (
        <Button key={a.id} asChild size="sm" variant={a.id === account.id ? "default" : "outline"} className="max-w-full">
          <Link href={`/dashboard/rebalancer?account=${a.id}`} aria-current={a.id === account.id ? "page" : undefined}>
            <span className="truncate">{a.label}</span>
            {rebalanceable(a) ? null : <span className="shrink-0 text-xs opacity-70">· {t("perpOnly")}</span>}
          </Link>
        </Button>
      ))}
    </nav>
  );
  if (!rebalanceable(account)) {
    return (
      <>
        <PageHeader title={t("title")} subtitle={t("subtitle")} />
        {nav}
        <div data-testid="rebalancer-perp-only">
          <EmptyState icon={Scale} title={t("perpNotSupportedTitle")} description={t("perpNotSupported")} />
        </div>
      </>
    );
  }
  const [settings, runs] = await Promise.all([getRebalancer({ userId: user.id, accountId: account.id }), listRuns({ userId: user.id, accountId: account.id })]);
  const initial: SettingsValues = settings
    ? {
        quote: settings.quote,
        targets: settings.targets,
        intervalHours: settings.intervalHours ? String(settings.intervalHours) : "",
        driftPct: settings.driftPct ?? "",
        minTradeQuote: settings.minTradeQuote,
        dryRun: settings.dryRun,
        enabled: settings.enabled,
      }
    : DEFAULTS;
  const next = settings ? nextRunAt(settings) : null;
  const latest = runs.find((r) => r.plannedTrades);

  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      {nav}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle>{t("settings")}</CardTitle>
          </CardHeader>
          <CardContent>
            <SettingsForm key={account.id} accountId={account.id} initial={initial} />
          </CardContent>
        </Card>
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle>{t("nextRun")}</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-3 text-sm">
            {settings && !settings.enabled ? <p className="text-muted-foreground">{t("disabled")}</p> : null}
            {settings && !settings.enabled ? null : (
              <p data-testid="next-run">
                {!settings || !next ? t("nextRunNone") : next <= new Date() ? t("nextRunDue") : t("nextRunAt", { at: format.dateTime(next, { dateStyle: "medium", timeStyle: "short" }) })}
              </p>
            )}
            {settings?.enabled && settings.driftPct ? <p>{t("driftRule", { points: settings.driftPct })}</p> : null}
            {settings ? <RunButtons accountId={account.id} dryRunOn={settings.dryRun} /> : null}
          </CardContent>
        </Card>
      </div>

      <div className="mt-6 grid gap-6">
        {settings ? (
          <Suspense fallback={<div className="h-80 animate-pulse rounded-xl bg-muted/70" aria-busy="true" data-testid="weights-loading" />}>
            <CurrentWeights userId={user.id} settings={settings} />
          </Suspense>
        ) : (
          <EmptyState icon={Scale} title={t("notConfigured")} description={t("notConfiguredBody")} />
        )}
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle>{t("plan")}</CardTitle>
          </CardHeader>
          <CardContent>{latest ? <PlanTable trades={latest.plannedTrades!} /> : <p className={cn("text-sm text-muted-foreground")}>{t("noRunsYet")}</p>}</CardContent>
        </Card>
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle>{t("history")}</CardTitle>
          </CardHeader>
          <CardContent>{runs.length ? <RunHistory runs={runs} /> : <p className="text-sm text-muted-foreground" data-testid="runs-empty">{t("noRunsYet")}</p>}</CardContent>
        </Card>
      </div>
    </>
  );
}
