import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { Card, CardContent } from "@/components/ui/card";
import type { StatisticsReport } from "@/lib/statistics/report";
import { formatDecimal } from "./format";
import { SignedAmount } from "./signed-amount";

/** The top of the page: what the accounts are worth, and what was realized today, in 7 and 30 days and ever. */
export async function StatisticsSummary({ report }: { report: StatisticsReport }) {
  const t = await getTranslations("statistics");
  const locale = await getLocale();
  const format = await getFormatter();
  const pnl = [
    { key: "today", label: t("pnlToday"), value: report.pnl.today },
    { key: "d7", label: t("pnl7d"), value: report.pnl.d7 },
    { key: "d30", label: t("pnl30d"), value: report.pnl.d30 },
    { key: "all", label: t("pnlAll"), value: report.pnl.all },
  ];
  return (
    <ul className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-5" data-testid="statistics-summary">
      <li className="col-span-2 min-w-0 lg:col-span-1">
        <Card className="h-full border-primary/20 bg-primary/[0.03]">
          <CardContent className="grid gap-1 p-4">
            <p className="text-xs font-medium text-muted-foreground">{t("equity")}</p>
            <p className="text-xl font-semibold tabular-nums sm:text-2xl" data-testid="total-equity">
              {report.equity.total === null ? "—" : formatDecimal(locale, report.equity.total)}
              <span className="ml-1 text-sm font-normal text-muted-foreground">USDT</span>
            </p>
            <p className="text-xs text-muted-foreground">
              {report.equity.asOf ? t("equityAsOf", { when: format.relativeTime(report.equity.asOf) }) : t("equityPending")}
            </p>
          </CardContent>
        </Card>
      </li>
      {pnl.map((tile) => (
        <li key={tile.key} className="min-w-0">
          <Card className="h-full">
            <CardContent className="grid gap-1 p-4">
              <p className="text-xs font-medium text-muted-foreground">{tile.label}</p>
              <SignedAmount value={tile.value} locale={locale} currency="USDT" className="text-lg font-semibold sm:text-xl" testId={`pnl-${tile.key}`} />
            </CardContent>
          </Card>
        </li>
      ))}
    </ul>
  );
}
