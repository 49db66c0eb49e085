import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { formatDecimal } from "@/components/orders/order-history";
import { Pnl } from "@/components/orders/pnl";
import { Badge } from "@/components/ui/badge";
import { valuedPositions } from "@/lib/overview";
import { formatPrice, PnlPercent } from "./format";
import { OverviewSection, SectionEmpty } from "./section";

const GRID = "md:grid md:grid-cols-[minmax(0,2.4fr)_repeat(5,minmax(0,1fr))] md:items-center md:gap-x-4";

/** A label beside the value on a phone, where the row is a card; the column header says it on a wider screen. */
function Cell({ label, children, testId, className }: { label: string; children: React.ReactNode; testId?: string; className?: string }) {
  return (
    <div className={className} role="cell">
      <div className="text-xs text-muted-foreground md:hidden">{label}</div>
      <div className="tabular-nums md:text-right" data-testid={testId}>
        {children}
      </div>
    </div>
  );
}

/**
 * What each strategy holds, at what it cost and what it is worth now. Prices come from each account's
 * exchange, bounded in time: a price that cannot be had shows "—" and why, and the rest still shows.
 */
export async function OpenPositions({ userId }: { userId: string }) {
  const t = await getTranslations("overview");
  const { positions: valued, totals, missingPrices: missing } = await valuedPositions({ userId });
  if (valued.length === 0) {
    return (
      <OverviewSection title={t("positionsTitle")} data-testid="positions">
        <SectionEmpty title={t("positionsEmpty")} body={t("positionsEmptyBody")} />
      </OverviewSection>
    );
  }
  const labels = {
    quantity: t("col.quantity"),
    entry: t("col.avgEntry"),
    price: t("col.price"),
    unrealized: t("col.unrealized"),
    pct: t("col.unrealizedPct"),
  };

  return (
    <OverviewSection
      title={t("positionsTitle")}
      subtitle={t("positionsSubtitle")}
      data-testid="positions"
      aside={
        totals.length ? (
          <div className="text-right" data-testid="unrealized-total">
            <span className="text-xs text-muted-foreground">{t("unrealizedTotal")} </span>
            {totals.map((total) => (
              <span key={total.quote} className="ml-1 font-semibold whitespace-nowrap">
                <Pnl value={total.amount} /> <span className="text-xs font-normal text-muted-foreground">{total.quote}</span>
              </span>
            ))}
            {missing ? <div className="text-xs text-muted-foreground">{t("unrealizedPartial")}</div> : null}
          </div>
        ) : null
      }
    >
      <div role="table" aria-label={t("positionsTitle")}>
        <div role="row" className={`hidden border-b px-4 py-2 text-xs font-medium uppercase tracking-wide text-muted-foreground ${GRID}`}>
          <span role="columnheader">{t("col.strategy")}</span>
          {Object.values(labels).map((label) => (
            <span key={label} role="columnheader" className="text-right">
              {label}
            </span>
          ))}
        </div>
        <ul className="divide-y" role="rowgroup">
          {valued.map((p) => (
            <li
              key={p.strategyId}
              role="row"
              className={`grid grid-cols-2 gap-x-4 gap-y-2 px-4 py-3 text-sm ${GRID}`}
              data-testid="position"
              data-strategy={p.strategyName}
            >
              <div className="col-span-2 min-w-0 md:col-span-1" role="cell">
                <Link href={`/dashboard/strategies?open=${p.strategyId}#strategy-${p.strategyId}`} className="font-medium wrap-anywhere hover:underline">
                  {p.strategyName}
                </Link>
                <div className="mt-0.5 flex flex-wrap items-center gap-1.5 text-xs text-muted-foreground">
                  <Badge variant="secondary">{p.symbol}</Badge>
                  <span className="wrap-anywhere">{p.accountLabel}</span>
                </div>
              </div>
              <Cell label={labels.quantity} testId="position-amount">
                {formatDecimal(p.amount)}
              </Cell>
              <Cell label={labels.entry} testId="position-entry">
                {formatPrice(p.averageEntry)}
              </Cell>
              <Cell label={labels.price} testId="position-price">
                {p.quote.price !== null ? (
                  formatDecimal(p.quote.price)
                ) : (
                  <span title={t(`priceHint.${p.quote.reason}`)} data-reason={p.quote.reason}>
                    <span className="text-muted-foreground">—</span>
                    <span className="block text-xs text-muted-foreground">{t(`priceShort.${p.quote.reason}`)}</span>
                  </span>
                )}
              </Cell>
              <Cell label={labels.unrealized} testId="position-unrealized">
                <Pnl value={p.unrealized} className="font-medium" /> <span className="text-xs text-muted-foreground">{p.currency}</span>
              </Cell>
              <Cell label={labels.pct} testId="position-unrealized-pct">
                <PnlPercent value={p.unrealizedPct} />
              </Cell>
            </li>
          ))}
        </ul>
      </div>
    </OverviewSection>
  );
}

/** While prices are read: the section's frame, so the page does not jump when it arrives. */
export async function OpenPositionsLoading() {
  const t = await getTranslations("overview");
  return (
    <OverviewSection title={t("positionsTitle")} subtitle={t("positionsLoading")} data-testid="positions-loading" aria-busy="true">
      <div className="grid animate-pulse gap-3 p-4">
        <div className="h-5 w-2/3 rounded bg-muted" />
        <div className="h-5 w-1/2 rounded bg-muted" />
      </div>
    </OverviewSection>
  );
}
