import { getTranslations } from "next-intl/server";
import { OrderHistory } from "@/components/orders/order-history";
import { PageHeader } from "@/components/shell/app-shell";
import { listOrders, listOrderSymbols } from "@/db/queries/orders";
import { requirePageUser } from "@/lib/auth/session";
import { orderListQuerySchema } from "@/lib/validations/accounts";

const PAGE_SIZE = 25;

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("orders") };
}

export default async function OrdersPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requirePageUser("dashboard.view", "/dashboard/orders");
  const filters = orderListQuerySchema.parse(await searchParams);
  const t = await getTranslations("dashboard");
  const [history, symbols] = await Promise.all([
    listOrders({ userId: user.id, ...filters, pageSize: PAGE_SIZE }),
    listOrderSymbols(user.id),
  ]);
  return (
    <>
      <PageHeader title={t("ordersTitle")} subtitle={t("ordersSubtitle")} />
      <OrderHistory
        rows={history.rows}
        total={history.total}
        page={history.page}
        pageSize={PAGE_SIZE}
        symbols={symbols}
        filters={{ symbol: filters.symbol, status: filters.status, side: filters.side }}
        basePath="/dashboard/orders"
        showAccount
      />
    </>
  );
}
