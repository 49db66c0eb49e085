import Link from "next/link";
import { after } from "next/server";
import { getTranslations } from "next-intl/server";
import { BarChart3 } from "lucide-react";
import { PageHeader } from "@/components/shell/app-shell";
import { BreakdownTable } from "@/components/statistics/breakdown-table";
import { StatisticsCharts } from "@/components/statistics/charts";
import { StatisticsFilters } from "@/components/statistics/filters";
import { StatisticsSummary } from "@/components/statistics/summary-tiles";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePageUser } from "@/lib/auth/session";
import { parseStatisticsQuery } from "@/lib/statistics";
import { snapshotEquity } from "@/lib/statistics/equity";
import { statisticsReport } from "@/lib/statistics/report";
import { breakdownRows } from "./rows";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("statistics") };
}

export default async function StatisticsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser("dashboard.view", "/dashboard/statistics");
  const { period, account, invalid } = parseStatisticsQuery(await searchParams);
  const t = await getTranslations("statistics");
  const td = await getTranslations("dashboard");
  const report = await statisticsReport({ userId: user.id, accountId: account, period });
  // At most once per 5-minute slot per account (the slot is the snapshot's key), after the answer.
  after(() => snapshotEquity({ userId: user.id, budgetMs: 8_000 }).catch(() => undefined));
  // An account that is not the user's reads as no account at all (the report already found nothing).
  const accountName = report.names.accounts.find((a) => a.id === account)?.label;
  const notices = [...invalid];
  if (account && !accountName) notices.push("account");

  const header = <PageHeader title={td("statisticsTitle")} subtitle={accountName ? t("subtitleAccount", { account: accountName }) : t("subtitle")} />;
  const filters = <StatisticsFilters period={period} account={accountName ? account : undefined} accounts={report.names.accounts} />;
  const notice = notices.length ? (
    <Alert variant="info" data-testid="filter-notice">
      {t("invalidFilters", { names: [...new Set(notices)].map((n) => t(`filterName.${n}`)).join(", ") })}
    </Alert>
  ) : null;

  if (!report.hasFills && report.equity.total === null) {
    return (
      <>
        {header}
        <div className="grid gap-4">
          {notice}
          <EmptyState icon={BarChart3} title={td("statisticsEmptyTitle")} description={t("emptyBody")}>
            <Button asChild variant="outline">
              <Link href="/dashboard/strategies">{t("emptyAction")}</Link>
            </Button>
          </EmptyState>
        </div>
      </>
    );
  }

  const rows = breakdownRows(report, { period, account: accountName ? account : undefined, manual: t("manualOrders") });
  return (
    <>
      {header}
      <div className="grid gap-6 [&>*]:min-w-0">
        <div className="grid gap-3">
          {filters}
          {notice}
          {report.otherQuotes.length ? <p className="text-xs text-muted-foreground">{t("otherQuotes", { quotes: report.otherQuotes.join(", ") })}</p> : null}
        </div>
        <StatisticsSummary report={report} />
        <StatisticsCharts report={report} hourly={period === "7d"} />
        {rows.accounts.length && !accountName ? <BreakdownTable kind="account" title={t("byAccount")} subtitle={t("byAccountHint")} rows={rows.accounts} /> : null}
        {rows.strategies.length ? (
          <BreakdownTable kind="strategy" title={t("byStrategy")} subtitle={t("byStrategyHint")} rows={rows.strategies} />
        ) : (
          <p className="rounded-xl border border-dashed px-4 py-6 text-center text-sm text-muted-foreground" data-testid="breakdown-empty">
            {t("periodEmpty")}
          </p>
        )}
        {rows.symbols.length ? <BreakdownTable kind="symbol" title={t("bySymbol")} subtitle={t("bySymbolHint")} rows={rows.symbols} /> : null}
      </div>
    </>
  );
}
