import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import Decimal from "decimal.js";
import { ChevronDown, Plus, Workflow } from "lucide-react";
import { deleteStrategyAction } from "./actions";
import { LazyPriceChart } from "@/components/charts/price-chart-lazy";
import { ConfirmForm } from "@/components/common/confirm-form";
import { LiveRefresh } from "@/components/live/live-refresh";
import { liveVersion } from "@/components/live/live-version";
import { formatDecimal } from "@/components/orders/order-history";
import { Pnl } from "@/components/orders/pnl";
import { SkipReason } from "@/components/orders/skip-reason";
import { MismatchBanners } from "@/components/reconcile/mismatch-banner";
import { PageHeader } from "@/components/shell/app-shell";
import { PerpetualSummary } from "@/components/strategies/perpetual-summary";
import { StrategyToggle, SymbolSwitch, TestSignalForm } from "@/components/strategies/switches";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Pager } from "@/components/ui/pager";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { listOpenMismatches } from "@/db/queries/reconcile";
import { listSymbolSwitches, listUserStrategies, recentExecutions, strategyOrderStats } from "@/db/queries/strategies";
import { requirePageUser } from "@/lib/auth/session";
import { clientForAccount } from "@/lib/exchanges";
import { strategyFigures } from "@/lib/statistics/pnl";
import { strategyPageWindow } from "@/lib/strategies/page-window";
import { cn } from "@/lib/utils";

const PAGE_SIZE = 50;

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("strategies") };
}

async function lastPrices(userId: string, pairs: { accountId: string; symbol: string }[]) {
  const prices = new Map<string, string>();
  await Promise.all(
    pairs.map(async ({ accountId, symbol }) => {
      try {
        const account = await getAccountForTrading(userId, accountId);
        if (!account) return;
        const client = await clientForAccount(account);
        prices.set(`${accountId}:${symbol}`, (await client.ticker(symbol)).last);
      } catch {
        // Unrealised P&L shows "—" when the price cannot be read.
      }
    }),
  );
  return prices;
}

export default async function StrategiesPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requirePageUser("dashboard.view", "/dashboard/strategies");
  const { open, page: askedPage } = await searchParams;
  const version = await liveVersion();
  const t = await getTranslations();
  const format = await getFormatter();
  const [all, switches] = await Promise.all([listUserStrategies(user.id), listSymbolSwitches(user.id)]);
  // A page at a time: a trader with hundreds of strategies gets a page that renders fast.
  const pageWindow = strategyPageWindow({ total: all.length, pageSize: PAGE_SIZE, page: askedPage, openIndex: open ? all.findIndex((r) => r.strategy.id === open) : -1 });
  const rows = all.slice(pageWindow.start, pageWindow.end);
  const ids = rows.map((r) => r.strategy.id);
  const [executions, stats, prices, mismatches, figures] = await Promise.all([
    recentExecutions(ids, 10),
    strategyOrderStats(ids),
    lastPrices(user.id, [...new Map(rows.map((r) => [`${r.strategy.accountId}:${r.strategy.symbol}`, { accountId: r.strategy.accountId, symbol: r.strategy.symbol }])).values()]),
    listOpenMismatches({ userId: user.id }),
    // Realized P&L and win rate as the Statistics page counts them (FIFO over the fill ledger).
    strategyFigures({ userId: user.id }),
  ]);
  // The monitor's notes are codes (`code` or `code:detail`, joined by "; "): worded in the trader's language.
  const reasonText = (code: string) => (t.has(`strategies.skip.${code}`) ? t(`strategies.skip.${code}` as "strategies.skip.unknown") : code);
  const noteText = (note: string) =>
    note
      .split("; ")
      .map((part) => {
        const [code = "", detail = ""] = part.split(":");
        return t.has(`strategies.protectionNote.${code}`)
          ? t(`strategies.protectionNote.${code}` as "strategies.protectionNote.removing", { detail: reasonText(detail) })
          : reasonText(code);
      })
      .join("; ");
  const newButton = (
    <Button asChild data-testid="new-strategy">
      <Link href="/dashboard/strategies/new">
        <Plus />
        {t("strategies.new")}
      </Link>
    </Button>
  );

  return (
    <>
      <PageHeader title={t("dashboard.strategiesTitle")} subtitle={t("dashboard.strategiesSubtitle")}>
        {rows.length ? <LiveRefresh version={version} /> : null}
        {rows.length ? newButton : null}
      </PageHeader>
      {rows.length === 0 ? (
        <EmptyState icon={Workflow} title={t("dashboard.strategiesEmptyTitle")} description={t("dashboard.strategiesEmptyBody")}>
          {newButton}
        </EmptyState>
      ) : (
        <div className="grid gap-6 [&>*]:min-w-0">
          <div className="grid gap-3 [&>*]:min-w-0" data-testid="strategy-list">
            {rows.map(({ strategy: s, signalName, accountLabel, exchange, position, openOrders }) => {
              const price = prices.get(`${s.accountId}:${s.symbol}`);
              const held = new Decimal(position?.amount ?? 0);
              // A short's basis is what it was sold for: it gains as the price falls.
              const unrealised = price && position ? (held.lt(0) ? held.mul(price).add(position.costBasis) : held.mul(price).sub(position.costBasis)).toFixed() : held.isZero() ? "0" : null;
              const stat = stats.find((x) => x.strategyId === s.id);
              const figure = figures.get(s.id);
              const realized = figure?.realizedPnl ?? "0";
              const mine = executions.filter((e) => e.strategyId === s.id).slice(0, 10);
              // A position with a take-profit or stop-loss configured shows whether they are in place, and why not.
              // (as the order monitor last found it: "none" covers dust below the market's minimum).
              const protectionWanted = Boolean((s.takeProfitPct || s.stopLossPct) && held.gt(0) && position && position.protection !== "none");
              const protection = position?.protection === "protected" ? "protected" : "unprotected";
              const otherFees = Object.entries(position?.otherFees ?? {});
              const differences = mismatches.filter((m) => m.strategyIds.includes(s.id));
              return (
                <details key={s.id} id={`strategy-${s.id}`} open={open === s.id} className="group rounded-xl border bg-card shadow-xs" data-testid="strategy" data-name={s.name}>
                  <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-4 gap-y-2 p-4 [&::-webkit-details-marker]:hidden">
                    <ChevronDown className="size-4 text-muted-foreground transition-transform group-open:rotate-180" />
                    {/* On a phone the name has the first line to itself; the figures wrap below it. */}
                    <div className="min-w-0 flex-1 basis-[calc(100%-2rem)] sm:min-w-48 sm:basis-0">
                      <div className="font-medium wrap-anywhere">{s.name}</div>
                      <div className="mt-0.5 flex flex-wrap gap-1.5 text-xs text-muted-foreground wrap-anywhere [&>*]:min-w-0">
                        <Badge variant="secondary">{s.symbol}</Badge>
                        <span>{t("strategies.onSignal", { signal: signalName })}</span>
                        <span>· {accountLabel}</span>
                      </div>
                    </div>
                    <div className="text-right text-xs">
                      <div className="text-muted-foreground">{t("strategies.openOrders")}</div>
                      <div className="font-medium tabular-nums" data-testid="strategy-open-orders">{openOrders}</div>
                    </div>
                    {differences.length > 0 ? (
                      <Badge variant="warning" data-testid="strategy-mismatch">
                        {t("reconcile.strategyBadge")}
                      </Badge>
                    ) : null}
                    {protectionWanted ? (
                      <div className="text-right text-xs">
                        <div className="text-muted-foreground">{t("strategies.protection")}</div>
                        <Badge
                          variant={protection === "protected" ? "success" : "destructive"}
                          title={position?.protectionNote ? t("strategies.protectionWhy", { note: noteText(position.protectionNote) }) : undefined}
                          data-testid="strategy-protection"
                          data-state={protection}
                        >
                          {t(`strategies.protectionState.${protection}`)}
                        </Badge>
                      </div>
                    ) : null}
                    <div className="text-right text-xs">
                      <div className="text-muted-foreground">{t("strategies.realised")}</div>
                      <div className="font-medium" data-testid="strategy-realised">
                        <Pnl value={realized} />
                      </div>
                    </div>
                    <StrategyToggle strategyId={s.id} enabled={s.enabled} keepsExits={s.keepsExits} name={s.name} />
                  </summary>
                  <div className="grid gap-4 border-t p-4 [&>*]:min-w-0">
                    <MismatchBanners findings={differences} />
                    <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4" data-testid="strategy-settings">
                      <div>
                        <dt className="text-xs text-muted-foreground">{t("strategies.follows")}</dt>
                        <dd>{(["Buy", "Sell", "Close", "Cancel"] as const).filter((a) => s[`follow${a}`]).map((a) => a.toLowerCase()).join(", ")}</dd>
                      </div>
                      <div>
                        <dt className="text-xs text-muted-foreground">{t("strategies.sizing")}</dt>
                        <dd>{t(`strategies.sizingShort.${s.sizingMode}` as "strategies.sizingShort.quote", { value: formatDecimal(s.sizingValue) })}</dd>
                      </div>
                      <div>
                        <dt className="text-xs text-muted-foreground">{t("strategies.orderType")}</dt>
                        <dd>{s.orderType === "limit" ? t("strategies.limitWithOffset", { offset: formatDecimal(s.limitOffsetPct) }) : t("orders.type.market")}</dd>
                      </div>
                      <div>
                        <dt className="text-xs text-muted-foreground">{t("strategies.tpSl")}</dt>
                        <dd>{s.takeProfitPct ? `+${formatDecimal(s.takeProfitPct)}%` : "—"} / {s.stopLossPct ? `−${formatDecimal(s.stopLossPct)}%` : "—"}</dd>
                      </div>
                    </dl>
                    <div className="grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="strategy-stats">
                      {[
                        [t("strategies.openOrders"), String(stat?.open ?? 0)],
                        [t("strategies.filledOrders"), String(stat?.filled ?? 0)],
                        [t("strategies.position"), `${formatDecimal(held.toFixed())} ${s.symbol.split("/")[0]}`],
                        [t("strategies.winRate"), figure?.winRate ? `${new Decimal(figure.winRate).mul(100).toDecimalPlaces(0).toFixed()}%` : "—"],
                      ].map(([label, value]) => (
                        <div key={label} className="rounded-lg bg-muted/50 p-3">
                          <div className="text-xs text-muted-foreground">{label}</div>
                          <div className="font-semibold tabular-nums">{value}</div>
                        </div>
                      ))}
                      <div className="rounded-lg bg-muted/50 p-3">
                        <div className="text-xs text-muted-foreground">{t("strategies.pnl")}</div>
                        <div className="text-sm font-semibold">
                          <Pnl value={realized} /> / <Pnl value={unrealised} />
                        </div>
                      </div>
                    </div>
                    {protectionWanted && position?.protectionNote ? (
                      <p className={cn("text-sm", protection === "protected" ? "text-muted-foreground" : "text-destructive")} data-testid="strategy-protection-note">
                        {t(`strategies.protectionState.${protection}`)}: {noteText(position.protectionNote)}
                      </p>
                    ) : null}
                    {s.symbol.includes(":") ? (
                      <PerpetualSummary userId={user.id} strategyId={s.id} accountId={s.accountId} symbol={s.symbol} held={held.toFixed()} leverage={s.leverage} marginMode={s.marginMode} />
                    ) : null}
                    <LazyPriceChart strategyId={s.id} symbol={s.symbol} />
                    {otherFees.length > 0 ? (
                      <p className="text-xs text-muted-foreground" data-testid="strategy-other-fees">
                        {t("strategies.otherFees")}: {otherFees.map(([asset, amount]) => `${formatDecimal(amount)} ${asset}`).join(", ")}
                      </p>
                    ) : null}
                    <div>
                      <h4 className="mb-2 text-sm font-semibold">{t("strategies.recent")}</h4>
                      {mine.length === 0 ? (
                        <p className="text-sm text-muted-foreground">{t("strategies.noExecutions")}</p>
                      ) : (
                        <div className="overflow-x-auto rounded-lg border">
                          <Table data-testid="executions">
                            <TableHeader>
                              <TableRow className="hover:bg-transparent">
                                <TableHead>{t("orders.colTime")}</TableHead>
                                <TableHead>{t("strategies.action")}</TableHead>
                                <TableHead>{t("strategies.result")}</TableHead>
                                <TableHead className="text-right">{t("orders.colAmount")}</TableHead>
                              </TableRow>
                            </TableHeader>
                            <TableBody>
                              {mine.map((e) => (
                                <TableRow key={e.id} data-testid="execution" data-outcome={e.outcome}>
                                  <TableCell className="whitespace-nowrap text-muted-foreground">{format.dateTime(e.createdAt, { dateStyle: "short", timeStyle: "medium" })}</TableCell>
                                  <TableCell className="font-medium">{e.leg}</TableCell>
                                  <TableCell>
                                    <Badge variant={e.outcome === "sent" ? "success" : e.outcome === "skipped" || e.outcome === "waiting" ? "warning" : "destructive"}>
                                      {t(`strategies.outcome.${e.outcome}` as "strategies.outcome.sent")}
                                    </Badge>
                                    {e.reason ? <SkipReason reason={e.reason} withHelp={e.outcome === "skipped" || e.outcome === "failed"} className="mt-1 max-w-md" /> : null}
                                    {e.orderStatus ? <span className="ml-2 text-xs text-muted-foreground">{t(`orders.status.${e.orderStatus}` as "orders.status.open")}</span> : null}
                                  </TableCell>
                                  <TableCell className="whitespace-nowrap text-right tabular-nums">
                                    {e.orderAmount ? `${formatDecimal(e.orderFilled)} / ${formatDecimal(e.orderAmount)}${e.orderAverage ? ` @ ${formatDecimal(e.orderAverage)}` : ""}` : "—"}
                                  </TableCell>
                                </TableRow>
                              ))}
                            </TableBody>
                          </Table>
                        </div>
                      )}
                    </div>
                    <div className="flex flex-wrap items-end justify-between gap-4 border-t pt-4">
                      <div className="grid gap-1">
                        <h4 className="text-sm font-semibold">{t("strategies.testTitle")}</h4>
                        <TestSignalForm strategyId={s.id} paper={exchange === "paper"} />
                      </div>
                      <ConfirmForm
                        action={deleteStrategyAction}
                        fields={{ strategyId: s.id }}
                        trigger={t("strategies.delete")}
                        triggerVariant="ghost"
                        title={t("strategies.deleteTitle", { name: s.name })}
                        body={t("strategies.deleteBody")}
                        confirmLabel={t("strategies.delete")}
                        testId="delete-strategy"
                      />
                    </div>
                  </div>
                </details>
              );
            })}
          </div>
          {pageWindow.pages > 1 ? (
            <div className="flex justify-end text-sm text-muted-foreground" data-testid="strategies-pager">
              <Pager
                page={pageWindow.page}
                pages={pageWindow.pages}
                href={(p) => `/dashboard/strategies?page=${p}`}
                labels={{ previous: t("common.previous"), next: t("common.next"), pageOf: t("common.pageOf", { page: pageWindow.page, pages: pageWindow.pages }) }}
              />
            </div>
          ) : null}

          <Card>
            <CardHeader>
              <CardTitle>{t("strategies.symbolsTitle")}</CardTitle>
              <CardDescription>{t("strategies.symbolsBody")}</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3" data-testid="symbol-switches">
              {switches.map((s) => (
                <SymbolSwitch key={s.symbol} symbol={s.symbol} enabled={s.enabled} keepsExits={s.keepsExits} />
              ))}
            </CardContent>
          </Card>
        </div>
      )}
    </>
  );
}
