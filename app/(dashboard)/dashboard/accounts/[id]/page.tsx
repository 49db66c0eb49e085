import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { AlertTriangle, ArrowLeft, CheckCircle2, Scale, Trash2, XCircle } from "lucide-react";
import { cancelAllAction, cancelOrderAction, deleteAccountAction } from "../actions";
import { ConnectionTest } from "@/components/accounts/connection-test";
import { LazyPriceChart } from "@/components/charts/price-chart-lazy";
import { OrderForm } from "@/components/accounts/order-form";
import { ConfirmForm } from "@/components/common/confirm-form";
import { formatDecimal, OrderHistory } from "@/components/orders/order-history";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { PageHeader } from "@/components/shell/app-shell";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { getAccount } from "@/db/queries/exchange-accounts";
import { listOrders, listOrderSymbols } from "@/db/queries/orders";
import { accountSnapshot, tradingAccount } from "@/lib/accounts";
import { requirePageUser } from "@/lib/auth/session";
import { exchangeInfo } from "@/lib/exchanges/catalog";
import { paperMarketSource } from "@/lib/exchanges";
import { ExchangeError } from "@/lib/exchanges/types";
import { orderListQuerySchema } from "@/lib/validations/accounts";
import { cn } from "@/lib/utils";

const PAGE_SIZE = 15;
const FORM_QUOTES = new Set(["USDT", "USDC", "FDUSD"]);

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const t = await getTranslations("nav");
  return { title: `${t("accounts")} · ${(await params).id.slice(0, 8)}` };
}

export default async function AccountPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { id } = await params;
  const user = await requirePageUser("dashboard.view", `/dashboard/accounts/${id}`);
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const account = await getAccount(user.id, id);
  if (!account) notFound();
  const query = await searchParams;
  const filters = orderListQuerySchema.parse(query);
  const t = await getTranslations();

  const { client } = await tradingAccount(user.id, id);
  const [snapshot, history, symbols] = await Promise.all([
    accountSnapshot(user.id, id, client),
    listOrders({ userId: user.id, accountId: id, ...filters, pageSize: PAGE_SIZE }),
    listOrderSymbols(user.id, id),
  ]);
  const formMarkets = snapshot.markets.filter((m) => FORM_QUOTES.has(m.quote)).slice(0, 800);
  const prices: Record<string, string> = {};
  const wanted = [...new Set([formMarkets[0]?.symbol, ...snapshot.balances.map((b) => `${b.asset}/USDT`), "BTC/USDT", "ETH/USDT"])]
    .filter((s): s is string => Boolean(s && formMarkets.some((m) => m.symbol === s)))
    .slice(0, 20);
  for (const tk of await client.tickers(wanted).catch(() => [])) prices[tk.symbol] = tk.last;
  const openSymbols = [...new Set(snapshot.openOrders.map((o) => o.symbol))];
  const priceSource = account.exchange === "paper" ? await paperMarketSource([...wanted, ...openSymbols]) : null;
  const venue = account.exchange === "paper" ? t("accounts.paper") : exchangeInfo(account.exchange)?.name;
  // The chart shows a symbol this account trades (the one asked for in ?chart= when it is one of them).
  const chartSymbols = [...new Set([...symbols, ...openSymbols])].filter((s) => /^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/.test(s)).slice(0, 12);
  if (chartSymbols.length === 0 && formMarkets.some((m) => m.symbol === "BTC/USDT")) chartSymbols.push("BTC/USDT");
  const chartSymbol = chartSymbols.includes(query.chart ?? "") ? query.chart! : chartSymbols[0];

  return (
    <>
      <Button asChild variant="ghost" size="sm" className="mb-2 -ml-2 text-muted-foreground">
        <Link href="/dashboard/accounts">
          <ArrowLeft />
          {t("accounts.back")}
        </Link>
      </Button>
      <PageHeader title={account.label} subtitle={[venue, account.keyHint ? `••••${account.keyHint}` : null].filter(Boolean).join(" · ")}>
        <div className="flex items-center gap-2">
          {account.sandbox ? <Badge variant="warning">{t("accounts.sandboxBadge")}</Badge> : null}
          <Button asChild variant="outline" size="sm">
            <Link href={`/dashboard/rebalancer?account=${account.id}`} data-testid="account-rebalancer-link">
              <Scale />
              <span className="sr-only sm:not-sr-only">{t("rebalancer.openFromAccount")}</span>
            </Link>
          </Button>
          <ConfirmForm
            action={deleteAccountAction}
            fields={{ accountId: account.id }}
            trigger={
              <>
                <Trash2 />
                <span className="hidden sm:inline">{t("accounts.remove")}</span>
              </>
            }
            title={t("accounts.removeTitle", { label: account.label })}
            body={t("accounts.removeBody")}
            confirmLabel={t("accounts.remove")}
            testId="remove-account"
          />
        </div>
      </PageHeader>

      {query.added ? (
        <Alert className="mb-4 border-emerald-500/40 bg-emerald-500/5" data-testid="account-added">
          <CheckCircle2 className="text-emerald-600" />
          <span>{t(account.exchange === "paper" ? "accounts.addedPaper" : "accounts.addedLive")}</span>
        </Alert>
      ) : null}
      {account.withdrawalsEnabled ? (
        <Alert variant="destructive" className="mb-4" data-testid="withdrawals-warning">
          <AlertTriangle />
          <div>
            <p className="font-semibold">{t("accounts.withdrawalsTitle")}</p>
            <p>{t("accounts.withdrawalsBody")}</p>
          </div>
        </Alert>
      ) : null}
      {priceSource === "simulated" ? (
        <Alert className="mb-4 border-amber-500/40 bg-amber-500/5" data-testid="paper-price-source" data-source={priceSource}>
          <AlertTriangle />
          <div>
            <p className="font-semibold">{t("accounts.priceSource.simulatedTitle")}</p>
            <p>{t("accounts.priceSource.simulatedBody")}</p>
          </div>
        </Alert>
      ) : priceSource ? (
        <p className="mb-4 text-sm text-muted-foreground" data-testid="paper-price-source" data-source={priceSource}>
          {t(`accounts.priceSource.${priceSource}`)}
        </p>
      ) : null}
      {snapshot.error ? (
        <Alert variant="destructive" className="mb-4" data-testid="exchange-error">
          <XCircle />
          <span>
            {t(`exchangeErrors.${snapshot.error.code}` as "exchangeErrors.unknown", {
              seconds: snapshot.error instanceof ExchangeError ? (snapshot.error.retryAfterSeconds ?? 60) : 60,
            })}
          </span>
        </Alert>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_22rem] [&>*]:min-w-0">
        <div className="grid content-start gap-4 [&>*]:min-w-0">
          <Card>
            <CardHeader className="flex-row flex-wrap items-baseline justify-between gap-2">
              <div>
                <CardTitle>{t("accounts.balances")}</CardTitle>
                <CardDescription>{t("accounts.balancesHint")}</CardDescription>
              </div>
              <div className="text-right">
                <div className="text-xs text-muted-foreground">{t("accounts.totalValue")}</div>
                <div className="text-xl font-semibold tabular-nums" data-testid="total-value">
                  {snapshot.totalUsdt ? `${snapshot.totalUsdt} USDT` : "—"}
                </div>
              </div>
            </CardHeader>
            <CardContent>
              {snapshot.balances.length === 0 ? (
                <p className="py-6 text-center text-sm text-muted-foreground">{snapshot.error ? t("accounts.balancesUnavailable") : t("accounts.noBalances")}</p>
              ) : (
                <Table data-testid="balances">
                  <TableHeader>
                    <TableRow className="hover:bg-transparent">
                      <TableHead>{t("accounts.asset")}</TableHead>
                      <TableHead className="text-right">{t("accounts.free")}</TableHead>
                      <TableHead className="text-right">{t("accounts.used")}</TableHead>
                      <TableHead className="hidden text-right sm:table-cell">{t("accounts.total")}</TableHead>
                      <TableHead className="text-right">{t("accounts.valueUsdt")}</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {snapshot.balances.map((b) => (
                      <TableRow key={b.asset} data-testid="balance-row" data-asset={b.asset}>
                        <TableCell className="font-medium">{b.asset}</TableCell>
                        <TableCell className="text-right tabular-nums" data-testid="balance-free">{formatDecimal(b.free)}</TableCell>
                        <TableCell className="text-right tabular-nums" data-testid="balance-used">{formatDecimal(b.used)}</TableCell>
                        <TableCell className="hidden text-right tabular-nums sm:table-cell">{formatDecimal(b.total)}</TableCell>
                        <TableCell className="text-right tabular-nums">{b.valueUsdt ?? "—"}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </CardContent>
          </Card>

          {chartSymbol ? (
            <Card>
              <CardContent className="grid gap-3 pt-6">
                {chartSymbols.length > 1 ? (
                  <nav className="flex flex-wrap gap-1.5" aria-label={t("charts.symbols")} data-testid="chart-symbols">
                    {chartSymbols.map((s) => (
                      <Link
                        key={s}
                        href={`/dashboard/accounts/${account.id}?chart=${encodeURIComponent(s)}`}
                        aria-current={s === chartSymbol ? "true" : undefined}
                        className={cn("rounded-md border px-2 py-0.5 text-xs", s === chartSymbol ? "border-primary text-primary" : "text-muted-foreground hover:bg-accent")}
                      >
                        {s}
                      </Link>
                    ))}
                  </nav>
                ) : null}
                <LazyPriceChart key={chartSymbol} accountId={account.id} symbol={chartSymbol} />
              </CardContent>
            </Card>
          ) : null}

          <ConnectionTest accountId={account.id} exchange={venue ?? account.exchange} />

          <Card>
            <CardHeader className="flex-row flex-wrap items-center justify-between gap-2">
              <div>
                <CardTitle>{t("orders.openOrders")}</CardTitle>
                <CardDescription>{t("orders.openOrdersHint")}</CardDescription>
              </div>
              <div className="flex flex-wrap justify-end gap-2">
                {openSymbols.map((symbol) => (
                  <ConfirmForm
                    key={symbol}
                    action={cancelAllAction}
                    fields={{ accountId: account.id, symbol }}
                    trigger={t("orders.cancelAllFor", { symbol })}
                    title={t("orders.cancelAllTitle", { symbol })}
                    body={t("orders.cancelAllBody", { count: snapshot.openOrders.filter((o) => o.symbol === symbol).length })}
                    confirmLabel={t("orders.cancelAll")}
                    cancelLabel={t("orders.keepOrders")}
                    testId="cancel-all"
                  />
                ))}
              </div>
            </CardHeader>
            <CardContent>
              {snapshot.openOrders.length === 0 ? (
                <p className="py-6 text-center text-sm text-muted-foreground" data-testid="no-open-orders">
                  {t("orders.noOpenOrders")}
                </p>
              ) : (
                <Table data-testid="open-orders">
                  <TableHeader>
                    <TableRow className="hover:bg-transparent">
                      <TableHead>{t("orders.colMarket")}</TableHead>
                      <TableHead>{t("orders.colSide")}</TableHead>
                      <TableHead className="text-right">{t("orders.colAmount")}</TableHead>
                      <TableHead className="text-right">{t("orders.colPrice")}</TableHead>
                      <TableHead>{t("orders.colStatus")}</TableHead>
                      <TableHead className="text-right">
                        <span className="sr-only">{t("orders.cancel")}</span>
                      </TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {snapshot.openOrders.map((o) => (
                      <TableRow key={o.id} data-testid="open-order" data-client-id={o.clientOrderId ?? ""}>
                        <TableCell className="font-medium">{o.symbol}</TableCell>
                        <TableCell className={cn("font-medium", o.side === "buy" ? "text-emerald-600" : "text-rose-600")}>{t(`orders.side.${o.side}`)}</TableCell>
                        <TableCell className="whitespace-nowrap text-right tabular-nums">
                          {formatDecimal(o.filled)} / {formatDecimal(o.amount)}
                        </TableCell>
                        <TableCell className="text-right tabular-nums">{formatDecimal(o.price)}</TableCell>
                        <TableCell>
                          <OrderStatusBadge status={o.status} />
                        </TableCell>
                        <TableCell className="text-right">
                          <ConfirmForm
                            action={cancelOrderAction}
                            fields={{ accountId: account.id, orderId: o.id, symbol: o.symbol }}
                            trigger={t("orders.cancel")}
                            triggerVariant="ghost"
                            title={t("orders.cancelTitle")}
                            body={t("orders.cancelBody", { side: t(`orders.side.${o.side}`), amount: formatDecimal(o.amount), symbol: o.symbol, price: formatDecimal(o.price) })}
                            confirmLabel={t("orders.cancelOrder")}
                            cancelLabel={t("orders.keepOrder")}
                            testId="cancel-order"
                          />
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </CardContent>
          </Card>
        </div>

        <Card className="h-fit lg:sticky lg:top-20">
          <CardHeader>
            <CardTitle>{t("orders.newOrder")}</CardTitle>
            <CardDescription>{t("orders.newOrderHint")}</CardDescription>
          </CardHeader>
          <CardContent>
            {formMarkets.length ? (
              <OrderForm accountId={account.id} markets={formMarkets} prices={prices} />
            ) : (
              <p className="text-sm text-muted-foreground">{t("orders.marketsUnavailable")}</p>
            )}
          </CardContent>
        </Card>
      </div>

      <section className="mt-6 grid gap-3 [&>*]:min-w-0">
        <h2 className="text-lg font-semibold">{t("orders.history")}</h2>
        <OrderHistory
          rows={history.rows}
          total={history.total}
          page={history.page}
          pageSize={PAGE_SIZE}
          symbols={symbols}
          filters={{ symbol: filters.symbol, status: filters.status, side: filters.side }}
          basePath={`/dashboard/accounts/${account.id}`}
        />
      </section>
    </>
  );
}
