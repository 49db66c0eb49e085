import { getTranslations } from "next-intl/server";
import Decimal from "decimal.js";
import type { Rebalancer } from "@/db/schema";
import { ChartCard } from "@/components/statistics/chart-card";
import { Alert } from "@/components/ui/alert";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { tradingAccount } from "@/lib/accounts";
import { currentValuation, maxDrift } from "@/lib/rebalancer";
import { LazyWeightsChart } from "./lazy-weights-chart";

/** Reads the account now (one balance and one tickers call) and draws its weights against the targets. */
export async function CurrentWeights({ userId, settings }: { userId: string; settings: Rebalancer }) {
  const t = await getTranslations("rebalancer");
  let valuation;
  try {
    const { client } = await tradingAccount(userId, settings.accountId);
    valuation = await currentValuation(settings, client);
  } catch {
    return <Alert variant="destructive">{t("valuationFailed")}</Alert>;
  }
  const total = new Decimal(valuation.total).toDecimalPlaces(2).toFixed();
  const table = (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>{t("asset")}</TableHead>
          <TableHead className="text-right">{t("amount")}</TableHead>
          <TableHead className="text-right">{t("value")}</TableHead>
          <TableHead className="text-right">{t("currentWeight")}</TableHead>
          <TableHead className="text-right">{t("targetWeight")}</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {valuation.holdings.map((h) => (
          <TableRow key={h.asset}>
            <TableCell>{h.asset}</TableCell>
            <TableCell className="text-right tabular-nums">{new Decimal(h.amount).toDecimalPlaces(8).toFixed()}</TableCell>
            <TableCell className="text-right tabular-nums">{new Decimal(h.value).toDecimalPlaces(2).toFixed()}</TableCell>
            <TableCell className="text-right tabular-nums">{new Decimal(h.weight).toDecimalPlaces(2).toFixed()} %</TableCell>
            <TableCell className="text-right tabular-nums">{h.target} %</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
  return (
    <ChartCard
      title={t("current")}
      subtitle={t("total", { total, quote: valuation.quote })}
      summary={t("currentSummary", { count: valuation.holdings.length, drift: new Decimal(maxDrift(valuation)).toDecimalPlaces(2).toFixed() })}
      tableLabel={t("showTable")}
      table={table}
      data-testid="current-weights"
    >
      <LazyWeightsChart rows={valuation.holdings} labels={{ current: t("currentWeight"), target: t("targetWeight") }} />
    </ChartCard>
  );
}
