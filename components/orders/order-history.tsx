import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Download, ListOrdered } from "lucide-react";
import type { ActivityRow, SkipListRow } from "@/db/queries/activity";
import type { OrderListRow } from "@/db/queries/orders";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { NativeSelect } from "@/components/ui/native-select";
import { Pager } from "@/components/ui/pager";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import { Badge } from "@/components/ui/badge";
import { AiReasoningNote } from "@/components/ai/reasoning-note";
import { aiReasoningForOrders } from "@/db/queries/ai-sources";
import { requireUser } from "@/lib/auth/session";
import { formatOrderFees } from "./fees";
import { OrderStatusBadge } from "./order-status-badge";
import { SkipReason } from "./skip-reason";

export interface OrderFilters {
  symbol?: string;
  status?: string;
  side?: string;
  /** With `views`: all, orders or skips. */
  view?: string;
  /** The Orders page's extra filters (shown when their options are given). */
  account?: string;
  strategy?: string;
  period?: string;
}

export interface OrderFilterOptions {
  accounts: { id: string; label: string }[];
  strategies: { id: string; name: string }[];
  periods: readonly string[];
}

function fmt(value: string | null | undefined) {
  if (!value) return "—";
  const [int, frac = ""] = value.split(".");
  const trimmed = frac.replace(/0+$/, "");
  return trimmed ? `${int}.${trimmed}` : int!;
}

/** Our record of orders (manual and from signals), with skipped signals where `views` is on; filterable and paged. */
export async function OrderHistory({
  rows,
  total,
  page,
  pageSize,
  symbols,
  filters,
  basePath,
  showAccount = false,
  views = false,
  options,
  exportHref,
  fillsExportHref,
  emptyDetail,
}: {
  rows: (OrderListRow | ActivityRow)[];
  total: number;
  page: number;
  pageSize: number;
  symbols: string[];
  filters: OrderFilters;
  basePath: string;
  showAccount?: boolean;
  views?: boolean;
  options?: OrderFilterOptions;
  /** A "Download CSV" link carrying the current filters. */
  exportHref?: string;
  /** A second download: the fill ledger of the same filters. */
  fillsExportHref?: string;
  /** Says which filters are set when they hide everything. */
  emptyDetail?: string;
}) {
  const t = await getTranslations("orders");
  const tFills = await getTranslations("fillsExport");
  const tOutcome = await getTranslations("strategies");
  const format = await getFormatter();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
    params.set("page", String(p));
    return `${basePath}?${params}#history`;
  };
  const filtered = Boolean(
    filters.symbol || filters.status || filters.side || filters.account || filters.strategy || (filters.period && filters.period !== "all") || (filters.view && filters.view !== "all"),
  );
  const onlySkips = views && filters.view === "skips";
  const isSkip = (row: OrderListRow | ActivityRow): row is SkipListRow => "kind" in row && row.kind === "skip";
  const orderIds = rows.flatMap((r) => (isSkip(r) ? [] : [r.id]));
  const aiWhy = orderIds.length ? await aiReasoningForOrders({ userId: (await requireUser()).id, orderIds }) : new Map();

  return (
    <div className="grid gap-3 [&>*]:min-w-0" id="history">
      <form action={basePath} className="flex flex-wrap items-end gap-2" data-testid="history-filters">
        {views ? (
          <NativeSelect name="view" defaultValue={filters.view ?? "all"} aria-label={t("filterView")} className="h-9 w-44" data-testid="history-view">
            <option value="all">{t("viewAll")}</option>
            <option value="orders">{t("viewOrders")}</option>
            <option value="skips">{t("viewSkips")}</option>
          </NativeSelect>
        ) : null}
        {options ? (
          <>
            <NativeSelect name="account" defaultValue={filters.account ?? ""} aria-label={t("filterAccount")} className="h-9 w-40" data-testid="history-account">
              <option value="">{t("allAccounts")}</option>
              {options.accounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label}
                </option>
              ))}
            </NativeSelect>
            <NativeSelect name="strategy" defaultValue={filters.strategy ?? ""} aria-label={t("filterStrategy")} className="h-9 w-40" data-testid="history-strategy">
              <option value="">{t("allStrategies")}</option>
              {options.strategies.map((st) => (
                <option key={st.id} value={st.id}>
                  {st.name}
                </option>
              ))}
            </NativeSelect>
            <NativeSelect name="period" defaultValue={filters.period ?? "all"} aria-label={t("filterPeriod")} className="h-9 w-36" data-testid="history-period">
              {options.periods.map((p) => (
                <option key={p} value={p}>
                  {t(`period.${p}` as "period.all")}
                </option>
              ))}
            </NativeSelect>
          </>
        ) : null}
        <NativeSelect name="symbol" defaultValue={filters.symbol ?? ""} aria-label={t("filterSymbol")} className="h-9 w-36">
          <option value="">{t("allSymbols")}</option>
          {symbols.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </NativeSelect>
        <NativeSelect name="status" defaultValue={filters.status ?? ""} aria-label={t("filterStatus")} className="h-9 w-36">
          <option value="">{t("allStatuses")}</option>
          {(["open", "filled", "canceled", "rejected", "unknown"] as const).map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
          {options ? <option value="skipped">{t("statusSkipped")}</option> : null}
        </NativeSelect>
        <NativeSelect name="side" defaultValue={filters.side ?? ""} aria-label={t("filterSide")} className="h-9 w-40">
          <option value="">{t("allSides")}</option>
          <option value="buy">{t("side.buy")}</option>
          <option value="sell">{t("side.sell")}</option>
        </NativeSelect>
        <Button type="submit" variant="secondary" size="sm" className="h-9">
          {t("applyFilters")}
        </Button>
        {exportHref ? (
          <Button asChild variant="outline" size="sm" className="h-9">
            <a href={exportHref} download data-testid="orders-csv">
              <Download className="size-4" />
              {t("downloadCsv")}
            </a>
          </Button>
        ) : null}
        {fillsExportHref ? (
          <Button asChild variant="outline" size="sm" className="h-9">
            <a href={fillsExportHref} download data-testid="fills-csv" title={tFills("hint")}>
              <Download className="size-4" />
              {tFills("button")}
            </a>
          </Button>
        ) : null}
        {filtered ? (
          <Button asChild variant="ghost" size="sm" className="h-9">
            <Link href={`${basePath}#history`}>{t("clearFilters")}</Link>
          </Button>
        ) : null}
      </form>
      {rows.length === 0 ? (
        <EmptyState
          icon={ListOrdered}
          title={onlySkips ? t("noSkips") : filtered ? t("noMatches") : t("noOrders")}
          description={filtered && emptyDetail ? emptyDetail : onlySkips ? t("noSkipsBody") : t("noOrdersBody")}
        />
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <Table data-testid="order-history">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>{t("colTime")}</TableHead>
                {showAccount ? <TableHead className="hidden md:table-cell">{t("colAccount")}</TableHead> : null}
                <TableHead>{t("colMarket")}</TableHead>
                <TableHead>{t("colSide")}</TableHead>
                <TableHead className="text-right">{t("colAmount")}</TableHead>
                <TableHead className="text-right">{t("colPrice")}</TableHead>
                <TableHead className="hidden text-right lg:table-cell">{t("colFee")}</TableHead>
                <TableHead>{t("colStatus")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((o) =>
                isSkip(o) ? (
                  <TableRow key={`skip-${o.id}`} data-testid="skip-row" data-outcome={o.outcome} data-strategy={o.strategyName}>
                    <TableCell className="whitespace-nowrap align-top text-muted-foreground">{format.dateTime(o.createdAt, { dateStyle: "short", timeStyle: "medium" })}</TableCell>
                    {showAccount ? <TableCell className="hidden align-top md:table-cell">{o.accountLabel}</TableCell> : null}
                    <TableCell className="align-top font-medium">
                      {o.symbol}
                      <Link
                        href={`/dashboard/strategies?open=${o.strategyId}#strategy-${o.strategyId}`}
                        className="block max-w-48 truncate text-xs font-normal text-muted-foreground hover:underline"
                      >
                        {t("skipStrategy", { name: o.strategyName })}
                        {o.test ? ` · ${t("testSignal")}` : ""}
                      </Link>
                    </TableCell>
                    <TableCell className="align-top font-medium text-muted-foreground">{t.has(`action.${o.action}`) ? t(`action.${o.action}` as "action.buy") : o.action}</TableCell>
                    <TableCell className="text-right align-top text-muted-foreground">—</TableCell>
                    <TableCell className="hidden text-right align-top tabular-nums text-muted-foreground sm:table-cell">{fmt(o.price)}</TableCell>
                    <TableCell className="hidden text-right align-top text-muted-foreground lg:table-cell">—</TableCell>
                    <TableCell className="align-top">
                      <Badge variant={o.outcome === "skipped" ? "warning" : "destructive"}>{tOutcome(`outcome.${o.outcome}` as "outcome.skipped")}</Badge>
                      <SkipReason reason={o.reason} className="mt-1 max-w-72" />
                    </TableCell>
                  </TableRow>
                ) : (
                <TableRow key={o.id} data-testid="history-row" data-client-id={o.clientOrderId}>
                  <TableCell className="min-w-20 text-muted-foreground sm:whitespace-nowrap">{format.dateTime(o.createdAt, { dateStyle: "short", timeStyle: "medium" })}</TableCell>
                  {showAccount ? <TableCell className="hidden md:table-cell">{o.accountLabel}</TableCell> : null}
                  <TableCell className="font-medium">
                    {o.symbol}
                    <span className="ml-1 text-xs text-muted-foreground">{t(`type.${o.type}` as "type.market")}</span>
                    <AiReasoningNote why={aiWhy.get(o.id)} />
                  </TableCell>
                  <TableCell className={cn("font-medium", o.side === "buy" ? "text-emerald-600" : "text-rose-600")}>{t(`side.${o.side}` as "side.buy")}</TableCell>
                  <TableCell className="whitespace-nowrap text-right tabular-nums">
                    {fmt(o.filled)} / {fmt(o.amount)}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{fmt(o.average ?? o.price)}</TableCell>
                  <TableCell className="hidden text-right tabular-nums lg:table-cell" data-testid="history-fee">
                    {formatOrderFees(o) ?? "—"}
                  </TableCell>
                  <TableCell>
                    <OrderStatusBadge status={o.status} />
                    {o.error && o.status !== "filled" ? <p className="mt-1 max-w-48 text-xs text-muted-foreground">{t.has(`errorCode.${o.error.code}`) ? t(`errorCode.${o.error.code}` as "errorCode.unknown") : o.error.code}</p> : null}
                  </TableCell>
                </TableRow>
                ),
              )}
            </TableBody>
          </Table>
          <div className="flex items-center justify-between border-t px-4 py-3 text-sm text-muted-foreground">
            <span>{views ? t("totalActivity", { count: total }) : t("total", { count: total })}</span>
            <Pager page={page} pages={pages} href={href} labels={{ previous: t("previous"), next: t("next"), pageOf: t("pageOf", { page, pages }) }} />
          </div>
        </div>
      )}
    </div>
  );
}

export { fmt as formatDecimal };
