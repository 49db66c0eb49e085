import Decimal from "decimal.js";
import { getLocale, getTranslations } from "next-intl/server";
import { SectionEmpty } from "@/components/overview/section";
import type { StatisticsReport } from "@/lib/statistics/report";
import { ChartCard } from "./chart-card";
import { LazyDailyPnlChart, LazyEquityChart } from "./lazy-charts";
import { formatDecimal, formatSigned } from "./format";

const small = "w-full text-xs tabular-nums [&_td]:py-1 [&_th]:py-1 [&_th]:text-left [&_th]:font-medium [&_th]:text-muted-foreground";

/** The equity curve and the daily P&L bars, each with a spoken summary and a table of its figures. */
export async function StatisticsCharts({ report, hourly }: { report: StatisticsReport; hourly: boolean }) {
  const t = await getTranslations("statistics");
  const locale = await getLocale();
  const when = new Intl.DateTimeFormat(locale, hourly ? { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "UTC" } : { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const curve = report.curve;
  const first = curve[0];
  const last = curve.at(-1);
  const active = report.daily.filter((d) => d.pnl !== "0");
  const best = active.reduce<(typeof active)[number] | null>((b, d) => (!b || new Decimal(d.pnl).gt(b.pnl) ? d : b), null);
  const worst = active.reduce<(typeof active)[number] | null>((w, d) => (!w || new Decimal(d.pnl).lt(w.pnl) ? d : w), null);
  const total = report.daily.reduce((s, d) => s.add(d.pnl), new Decimal(0)).toFixed();

  return (
    <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
      <ChartCard
        data-testid="equity-chart"
        title={t("equityCurve")}
        subtitle={t("equityCurveHint")}
        summary={
          first && last && curve.length === 1
            ? t("equityOneReading", { equity: formatDecimal(locale, first.equity), at: when.format(new Date(first.at)) })
            : first && last
            ? t("equitySummary", { from: when.format(new Date(first.at)), start: formatDecimal(locale, first.equity), to: when.format(new Date(last.at)), end: formatDecimal(locale, last.equity) })
            : t("equityEmptyBody")
        }
        tableLabel={t("showTable")}
        table={
          <table className={small}>
            <thead>
              <tr>
                <th>{t("col.time")}</th>
                <th className="!text-right">{t("col.equity")}</th>
              </tr>
            </thead>
            <tbody>
              {[...curve].reverse().map((p) => (
                <tr key={p.at}>
                  <td>{when.format(new Date(p.at))}</td>
                  <td className="text-right">{formatDecimal(locale, p.equity)} USDT</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      >
        {curve.length > 0 ? <LazyEquityChart points={curve} locale={locale} label={t("col.equity")} hourly={hourly} /> : <SectionEmpty title={t("equityEmptyTitle")} body={t("equityEmptyBody")} />}
        {curve.length === 1 ? (
          <p className="mt-2 text-xs text-muted-foreground" data-testid="equity-one-reading" aria-hidden="true">
            {t("equityOneReading", { equity: formatDecimal(locale, curve[0]!.equity), at: when.format(new Date(curve[0]!.at)) })}
          </p>
        ) : null}
      </ChartCard>
      <ChartCard
        data-testid="daily-chart"
        title={t("dailyPnl")}
        subtitle={t("dailyPnlHint")}
        summary={
          best && worst
            ? t("dailySummary", { days: active.length, total: formatSigned(locale, total), best: day.format(new Date(`${best.day}T00:00:00Z`)), bestPnl: formatSigned(locale, best.pnl), worst: day.format(new Date(`${worst.day}T00:00:00Z`)), worstPnl: formatSigned(locale, worst.pnl) })
            : t("dailyEmptyBody")
        }
        tableLabel={t("showTable")}
        table={
          <table className={small}>
            <thead>
              <tr>
                <th>{t("col.day")}</th>
                <th className="!text-right">{t("col.realized")}</th>
              </tr>
            </thead>
            <tbody>
              {[...active].reverse().map((d) => (
                <tr key={d.day}>
                  <td>{day.format(new Date(`${d.day}T00:00:00Z`))}</td>
                  <td className="text-right">{formatSigned(locale, d.pnl)} USDT</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      >
        {active.length ? <LazyDailyPnlChart days={report.daily} locale={locale} label={t("col.realized")} /> : <SectionEmpty title={t("dailyEmptyTitle")} body={t("dailyEmptyBody")} />}
      </ChartCard>
    </div>
  );
}
