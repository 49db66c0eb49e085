import { getFormatter, getTranslations } from "next-intl/server";
import { ArrowDownRight, ArrowUpRight, History } from "lucide-react";
import Decimal from "decimal.js";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { TrackRecord } from "@/lib/statistics/track-record";
import { cn } from "@/lib/utils";

/** A signed figure with an arrow, so gains and losses read without colour. */
function Signed({ value, suffix = "" }: { value: string | null; suffix?: string }) {
  if (value === null) return <span className="text-muted-foreground">—</span>;
  const d = new Decimal(value);
  const Icon = d.gt(0) ? ArrowUpRight : d.lt(0) ? ArrowDownRight : null;
  return (
    <span className={cn("inline-flex items-center gap-0.5 tabular-nums", d.gt(0) ? "text-emerald-600" : d.lt(0) ? "text-rose-600" : "")}>
      {Icon ? <Icon className="size-3.5" aria-hidden="true" /> : null}
      {d.gt(0) ? "+" : ""}
      {d.toFixed(2)}
      {suffix}
    </span>
  );
}

/** "What following it would have made": the signal's deliveries replayed at their own prices. */
export async function TrackRecordCard({ record }: { record: TrackRecord }) {
  const t = await getTranslations("trackRecord");
  const format = await getFormatter();
  return (
    <section className="grid gap-3 rounded-lg border bg-muted/30 p-3" data-testid="track-record" data-trades={record.trades} data-pnl={record.pnl}>
      <div className="flex items-start gap-2">
        <History className="mt-0.5 size-4 shrink-0 text-muted-foreground" />
        <div className="min-w-0">
          <h4 className="text-sm font-semibold">{t("title")}</h4>
          <p className="text-xs text-muted-foreground">{t("hint", { size: record.stake })}</p>
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        {[
          [t("trades"), <span key="n" className="tabular-nums">{record.trades}</span>],
          [t("winRate"), record.winRate === null ? "—" : `${record.winRate}%`],
          [t("pnl"), <span key="p" className="grid"><Signed value={record.pnlPct} suffix="%" /><span className="text-xs font-normal text-muted-foreground"><Signed value={record.trades ? record.pnl : null} /> USDT</span></span>],
          [t("open"), <span key="o" className="tabular-nums">{record.open}</span>],
        ].map(([label, value], i) => (
          <div key={i} className="rounded-md bg-background p-2">
            <dt className="text-xs text-muted-foreground">{label}</dt>
            <dd className="font-semibold">{value}</dd>
          </div>
        ))}
      </dl>
      {record.last.length === 0 ? (
        <p className="text-xs text-muted-foreground">{t("none")}</p>
      ) : (
        <div className="overflow-x-auto">
          <p className="mb-1 text-xs font-medium">{t("lastTrades")}</p>
          <Table className="text-xs">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>{t("colClosed")}</TableHead>
                <TableHead>{t("colSymbol")}</TableHead>
                <TableHead className="hidden text-right sm:table-cell">{t("colEntry")}</TableHead>
                <TableHead className="hidden text-right sm:table-cell">{t("colExit")}</TableHead>
                <TableHead className="text-right">{t("colPnl")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {record.last.map((trade, i) => (
                <TableRow key={i} data-testid="track-record-trade">
                  <TableCell className="whitespace-nowrap text-muted-foreground">{format.dateTime(trade.closedAt, { dateStyle: "short", timeStyle: "short" })}</TableCell>
                  <TableCell className="font-medium">{trade.symbol}</TableCell>
                  <TableCell className="hidden text-right tabular-nums sm:table-cell">{trade.entry}</TableCell>
                  <TableCell className="hidden text-right tabular-nums sm:table-cell">{trade.exit}</TableCell>
                  <TableCell className="text-right">
                    <Signed value={trade.pnlPct} suffix="%" />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}
