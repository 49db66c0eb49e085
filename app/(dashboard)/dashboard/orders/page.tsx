import { getTranslations } from "next-intl/server";
import { LiveRefresh } from "@/components/live/live-refresh";
import { liveVersion } from "@/components/live/live-version";
import { OrderHistory } from "@/components/orders/order-history";
import { PageHeader } from "@/components/shell/app-shell";
import { listActivitySymbols, listOrderActivity } from "@/db/queries/activity";
import { requirePageUser } from "@/lib/auth/session";
import { ordersPageQuerySchema } from "@/lib/validations/orders";

const PAGE_SIZE = 25;

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("orders") };
}

export default async function OrdersPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requirePageUser("dashboard.view", "/dashboard/orders");
  const filters = ordersPageQuerySchema.parse(await searchParams);
  const version = await liveVersion();
  const t = await getTranslations("dashboard");
  const [history, symbols] = await Promise.all([
    listOrderActivity({ userId: user.id, ...filters, pageSize: PAGE_SIZE }),
    listActivitySymbols(user.id),
  ]);
  return (
    <>
      <PageHeader title={t("ordersTitle")} subtitle={t("ordersSubtitle")}>
        <LiveRefresh version={version} />
      </PageHeader>
      <OrderHistory
        rows={history.rows}
        total={history.total}
        page={history.page}
        pageSize={PAGE_SIZE}
        symbols={symbols}
        filters={{ symbol: filters.symbol, status: filters.status, side: filters.side, view: filters.view }}
        basePath="/dashboard/orders"
        showAccount
        views
      />
    </>
  );
}
