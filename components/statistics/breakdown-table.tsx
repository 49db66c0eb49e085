import Link from "next/link";
import { ChevronRight } from "lucide-react";
import { getLocale, getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { BreakdownRow } from "@/lib/statistics";
import { formatDecimal, formatShare } from "./format";
import { SignedAmount } from "./signed-amount";

export interface NamedRow {
  row: BreakdownRow;
  name: string;
  detail?: string;
  href: string;
}

/**
 * One breakdown (by account, strategy or symbol): each row names what it is and links one level down
 * (the whole row is the link), with the figures a trader judges a strategy by.
 */
export async function BreakdownTable({ title, subtitle, rows, kind }: { title: string; subtitle: string; rows: NamedRow[]; kind: "account" | "strategy" | "symbol" }) {
  const t = await getTranslations("statistics");
  const locale = await getLocale();
  const num = (value: string | null, digits = 2) => (value === null ? "—" : formatDecimal(locale, value, digits));
  return (
    <section className="min-w-0" data-testid={`breakdown-${kind}`}>
      <Card className="overflow-hidden">
        <div className="border-b px-4 py-3">
          <h2 className="font-semibold">{title}</h2>
          <p className="text-xs text-muted-foreground">{subtitle}</p>
        </div>
        <Table>
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead className="min-w-40">{t(`col.${kind}`)}</TableHead>
              <TableHead className="text-right">{t("col.realized")}</TableHead>
              <TableHead className="text-right">{t("col.unrealized")}</TableHead>
              <TableHead className="text-right">{t("col.winRate")}</TableHead>
              <TableHead className="text-right">{t("col.trades")}</TableHead>
              <TableHead className="text-right">{t("col.avgWin")}</TableHead>
              <TableHead className="text-right">{t("col.avgLoss")}</TableHead>
              <TableHead className="text-right">{t("col.profitFactor")}</TableHead>
              <TableHead className="text-right">{t("col.maxDrawdown")}</TableHead>
              <TableHead className="text-right">{t("col.fees")}</TableHead>
              <TableHead className="text-right">{t("col.exposure")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map(({ row, name, detail, href }) => (
              <TableRow key={row.key} className="relative cursor-pointer" data-testid={`${kind}-row`} data-name={name}>
                <TableCell>
                  <Link href={href} className="group flex items-center gap-2 font-medium after:absolute after:inset-0 focus-visible:outline-none">
                    <span className="min-w-0">
                      <span className="block truncate group-hover:underline group-focus-visible:underline">{name}</span>
                      {detail ? <span className="block truncate text-xs font-normal text-muted-foreground">{detail}</span> : null}
                    </span>
                    <ChevronRight className="ml-auto size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
                  </Link>
                </TableCell>
                <TableCell className="text-right font-medium">
                  <SignedAmount value={row.figures.realizedPnl} locale={locale} currency={row.currency} testId="row-realized" />
                </TableCell>
                <TableCell className="text-right">
                  <SignedAmount value={row.unrealized} locale={locale} testId="row-unrealized" />
                </TableCell>
                <TableCell className="text-right tabular-nums" data-testid="row-win-rate">
                  {row.figures.winRate === null ? "—" : formatShare(locale, row.figures.winRate)}
                </TableCell>
                <TableCell className="text-right tabular-nums" data-testid="row-trades" data-trades={row.figures.trades} data-wins={row.figures.wins}>
                  {row.figures.trades}
                  <span className="block text-xs text-muted-foreground">{t("winsLosses", { wins: row.figures.wins, losses: row.figures.losses })}</span>
                </TableCell>
                <TableCell className="text-right">
                  <SignedAmount value={row.figures.averageWin} locale={locale} />
                </TableCell>
                <TableCell className="text-right">
                  <SignedAmount value={row.figures.averageLoss} locale={locale} />
                </TableCell>
                <TableCell className="text-right tabular-nums">{num(row.figures.profitFactor)}</TableCell>
                <TableCell className="text-right tabular-nums">{row.figures.maxDrawdown === "0" ? "—" : `−${num(row.figures.maxDrawdown)}`}</TableCell>
                <TableCell className="text-right tabular-nums">{num(row.figures.fees)}</TableCell>
                <TableCell className="text-right tabular-nums">{num(row.exposure)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Card>
    </section>
  );
}
