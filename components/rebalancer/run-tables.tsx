import { getFormatter, getTranslations } from "next-intl/server";
import type { PlannedTrade } from "@/db/schema";
import type { listRuns } from "@/db/queries/rebalancer";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

type Run = Awaited<ReturnType<typeof listRuns>>[number];

const fmt = (v: string | null | undefined, places = 8) => (v ? String(Number(Number(v).toFixed(places))) : "—");

/** A run's planned legs: what goes, and what is skipped with its reason. */
export async function PlanTable({ trades }: { trades: PlannedTrade[] }) {
  const t = await getTranslations("rebalancer");
  if (!trades.length) return <p className="text-sm text-muted-foreground" data-testid="plan-empty">{t("planEmpty")}</p>;
  return (
    <div className="overflow-x-auto" data-slot="table-scroll">
      <Table data-testid="plan-table">
        <TableHeader>
          <TableRow>
            <TableHead>{t("side")}</TableHead>
            <TableHead>{t("symbol")}</TableHead>
            <TableHead className="text-right">{t("amount")}</TableHead>
            <TableHead className="text-right">{t("estValue")}</TableHead>
            <TableHead>{t("status")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {trades.map((p) => (
            <TableRow key={p.leg}>
              <TableCell className={p.side === "buy" ? "text-emerald-600" : "text-red-600"}>{p.side === "buy" ? t("sideBuy") : t("sideSell")}</TableCell>
              <TableCell>{p.symbol}</TableCell>
              <TableCell className="text-right tabular-nums">{fmt(p.amount)}</TableCell>
              <TableCell className="text-right tabular-nums">{fmt(p.value, 2)}</TableCell>
              <TableCell className="text-xs">{p.skip ? <span className="text-muted-foreground">{t(`skip.${p.skip}`)}</span> : t("willPlace")}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function feesOf(orders: Run["orders"]) {
  const sums = new Map<string, number>();
  for (const o of orders) for (const [currency, cost] of Object.entries(o.fees ?? {})) sums.set(currency, (sums.get(currency) ?? 0) + Number(cost));
  return [...sums].map(([currency, cost]) => `${fmt(String(cost))} ${currency}`).join(", ");
}

/** The account's runs, newest first, each with its orders and the fees they paid. */
export async function RunHistory({ runs }: { runs: Run[] }) {
  const t = await getTranslations("rebalancer");
  const format = await getFormatter();
  return (
    <div className="overflow-x-auto" data-slot="table-scroll">
      <Table data-testid="run-history">
        <TableHeader>
          <TableRow>
            <TableHead>{t("started")}</TableHead>
            <TableHead>{t("trigger")}</TableHead>
            <TableHead>{t("mode")}</TableHead>
            <TableHead>{t("status")}</TableHead>
            <TableHead>{t("orders")}</TableHead>
            <TableHead>{t("fees")}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {runs.map((run) => (
            <TableRow key={run.id} data-testid="run-row">
              <TableCell className="whitespace-nowrap text-xs">{format.dateTime(run.startedAt, { dateStyle: "medium", timeStyle: "short" })}</TableCell>
              <TableCell>{t(`triggers.${run.trigger}`)}</TableCell>
              <TableCell>{run.dryRun ? t("modeDry") : t("modeLive")}</TableCell>
              <TableCell>
                <Badge variant={run.status === "done" ? "success" : run.status === "failed" ? "destructive" : "outline"}>{t(`runStatus.${run.status}`)}</Badge>
                {run.reason ? <span className="ml-1 text-xs text-muted-foreground">{t.has(`reasons.${run.reason}`) ? t(`reasons.${run.reason}`) : run.reason}</span> : null}
              </TableCell>
              <TableCell className="text-xs">
                {run.orders.length ? (
                  <ul className="grid gap-0.5">
                    {run.orders.map((o) => (
                      <li key={o.id} className="whitespace-nowrap">
                        {o.side === "buy" ? t("sideBuy") : t("sideSell")} {fmt(o.filled)}/{fmt(o.amount)} {o.symbol} · {o.status}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="text-muted-foreground">{t("noOrders")}</span>
                )}
              </TableCell>
              <TableCell className="whitespace-nowrap text-xs">{feesOf(run.orders) || "—"}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
