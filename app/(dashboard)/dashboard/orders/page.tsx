import { getTranslations } from "next-intl/server";
import { LiveRefresh } from "@/components/live/live-refresh";
import { liveVersion } from "@/components/live/live-version";
import { OrderHistory } from "@/components/orders/order-history";
import { PageHeader } from "@/components/shell/app-shell";
import { Alert } from "@/components/ui/alert";
import { listActivityFilterOptions, listActivitySymbols, listOrderActivity } from "@/db/queries/activity";
import { requirePageUser } from "@/lib/auth/session";
import { activityFilters, ORDER_PERIODS, ordersQueryParams, parseOrdersQuery } from "@/lib/validations/orders";

const PAGE_SIZE = 25;

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("orders") };
}

export default async function OrdersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser("dashboard.view", "/dashboard/orders");
  const { filters, invalid } = parseOrdersQuery(await searchParams);
  const version = await liveVersion();
  const t = await getTranslations("dashboard");
  const tOrders = await getTranslations("orders");
  const [history, symbols, options] = await Promise.all([
    listOrderActivity({ ...activityFilters(user.id, filters), page: filters.page, pageSize: PAGE_SIZE }),
    listActivitySymbols(user.id),
    listActivityFilterOptions(user.id),
  ]);

  // What the empty state names when the filters hide everything.
  const shown: string[] = [];
  const account = options.accounts.find((a) => a.id === filters.account);
  const strategy = options.strategies.find((s) => s.id === filters.strategy);
  if (filters.account) shown.push(`${tOrders("filterAccount")}: ${account?.label ?? "?"}`);
  if (filters.strategy) shown.push(`${tOrders("filterStrategy")}: ${strategy?.name ?? "?"}`);
  if (filters.symbol) shown.push(`${tOrders("filterSymbol")}: ${filters.symbol}`);
  if (filters.side) shown.push(`${tOrders("filterSide")}: ${tOrders(`side.${filters.side}`)}`);
  if (filters.status) shown.push(`${tOrders("filterStatus")}: ${filters.status === "skipped" ? tOrders("statusSkipped") : tOrders(`status.${filters.status}`)}`);
  if (filters.period && filters.period !== "all") shown.push(`${tOrders("filterPeriod")}: ${tOrders(`period.${filters.period}`)}`);
  if (filters.view && filters.view !== "all") shown.push(`${tOrders("filterView")}: ${tOrders(filters.view === "skips" ? "viewSkips" : "viewOrders")}`);

  const exportParams = ordersQueryParams(filters, ["page"]);
  return (
    <>
      <PageHeader title={t("ordersTitle")} subtitle={t("ordersSubtitle")}>
        <LiveRefresh version={version} />
      </PageHeader>
      {invalid.length > 0 ? (
        <Alert variant="info" className="mb-3" data-testid="filter-notice">
          {tOrders("invalidFilters", { names: invalid.join(", ") })}
        </Alert>
      ) : null}
      <OrderHistory
        rows={history.rows}
        total={history.total}
        page={history.page}
        pageSize={PAGE_SIZE}
        symbols={symbols}
        filters={{
          symbol: filters.symbol,
          status: filters.status,
          side: filters.side,
          view: filters.view,
          account: filters.account,
          strategy: filters.strategy,
          period: filters.period,
        }}
        basePath="/dashboard/orders"
        showAccount
        views
        options={{ accounts: options.accounts, strategies: options.strategies, periods: ORDER_PERIODS }}
        exportHref={`/dashboard/orders/export${exportParams.size ? `?${exportParams}` : ""}`}
        fillsExportHref={`/dashboard/orders/export/fills${exportParams.size ? `?${exportParams}` : ""}`}
        emptyDetail={tOrders("noMatchesBody", { filters: shown.join(" · ") })}
      />
    </>
  );
}
