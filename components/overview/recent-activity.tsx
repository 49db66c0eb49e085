import Link from "next/link";
import Decimal from "decimal.js";
import { getFormatter, getTranslations } from "next-intl/server";
import { ArrowRight } from "lucide-react";
import { formatDecimal } from "@/components/orders/order-history";
import { OrderStatusBadge } from "@/components/orders/order-status-badge";
import { SkipReason } from "@/components/orders/skip-reason";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { ActivityRow } from "@/db/queries/activity";
import { cn } from "@/lib/utils";
import { OverviewSection, SectionEmpty } from "./section";

/** The newest orders and skipped signals (the Orders page's own list, first rows), linking there for more. */
export async function RecentActivity({ rows, total, className }: { rows: ActivityRow[]; total: number; className?: string }) {
  const t = await getTranslations("overview");
  const to = await getTranslations("orders");
  const ts = await getTranslations("strategies");
  const format = await getFormatter();
  const allOrders = (
    <Button asChild variant="ghost" size="sm" className="-my-1 h-8" data-testid="all-orders">
      <Link href="/dashboard/orders">
        {t("viewAllOrders", { count: total })}
        <ArrowRight />
      </Link>
    </Button>
  );
  return (
    <OverviewSection title={t("activityTitle")} subtitle={t("activitySubtitle")} aside={rows.length ? allOrders : null} className={className} data-testid="recent-activity">
      {rows.length === 0 ? (
        <SectionEmpty title={t("activityEmpty")} body={t("activityEmptyBody")} />
      ) : (
        <ul className="divide-y">
          {rows.map((row) => {
            const when = (
              <time dateTime={row.createdAt.toISOString()} title={format.dateTime(row.createdAt, { dateStyle: "medium", timeStyle: "medium" })}>
                {format.relativeTime(row.createdAt)}
              </time>
            );
            if (row.kind === "skip") {
              return (
                <li key={`skip-${row.id}`} className="flex items-start gap-3 px-4 py-3 text-sm" data-testid="recent-execution" data-kind="skip" data-outcome={row.outcome}>
                  <div className="min-w-0 flex-1">
                    <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                      <span className="font-medium">{row.symbol}</span>
                      <span className="text-muted-foreground">{to.has(`action.${row.action}`) ? to(`action.${row.action}` as "action.buy") : row.action}</span>
                    </div>
                    <div className="mt-0.5 text-xs text-muted-foreground wrap-anywhere">
                      <Link href={`/dashboard/strategies?open=${row.strategyId}#strategy-${row.strategyId}`} className="hover:underline">
                        {row.strategyName}
                      </Link>{" "}
                      · {when}
                    </div>
                    <SkipReason reason={row.reason} withHelp={false} className="mt-1" />
                  </div>
                  <Badge variant={row.outcome === "skipped" ? "warning" : "destructive"}>{ts(`outcome.${row.outcome}` as "outcome.skipped")}</Badge>
                </li>
              );
            }
            return (
              <li key={row.id} className="flex items-start gap-3 px-4 py-3 text-sm" data-testid="recent-execution" data-kind="order" data-status={row.status}>
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                    <span className="font-medium">{row.symbol}</span>
                    <span className={cn("font-medium", row.side === "buy" ? "text-emerald-600" : "text-rose-600")}>{to(`side.${row.side}` as "side.buy")}</span>
                    <span className="tabular-nums text-muted-foreground" data-testid="recent-execution-fill">
                      {formatDecimal(new Decimal(row.filled).isZero() ? row.amount : row.filled)} @ {formatDecimal(row.average ?? row.price)}
                    </span>
                  </div>
                  <div className="mt-0.5 text-xs text-muted-foreground wrap-anywhere">
                    {row.accountLabel} · {when}
                  </div>
                </div>
                <OrderStatusBadge status={row.status} />
              </li>
            );
          })}
        </ul>
      )}
    </OverviewSection>
  );
}
