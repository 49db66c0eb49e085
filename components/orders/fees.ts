import Decimal from "decimal.js";

export interface OrderFee {
  cost: string;
  currency: string;
}

/** What an order row holds of its fees: `fees` per currency, or (rows from before it) the single `fee`. */
export interface OrderFeeFields {
  fee: string | null;
  feeCurrency: string | null;
  fees: Record<string, string> | null;
}

/**
 * Every fee an order paid, one per currency in a stable order; zero fees left out unless nothing else
 * was paid. `fees` is the whole story when present (`fee`/`fee_currency` are filled only when the order
 * paid in one currency, so a mixed order has none there).
 */
export function orderFees(row: OrderFeeFields): OrderFee[] {
  const all: OrderFee[] =
    row.fees && Object.keys(row.fees).length > 0
      ? Object.entries(row.fees).map(([currency, cost]) => ({ currency, cost: new Decimal(cost).toFixed() }))
      : row.fee !== null && row.feeCurrency
        ? [{ currency: row.feeCurrency, cost: new Decimal(row.fee).toFixed() }]
        : [];
  all.sort((a, b) => a.currency.localeCompare(b.currency));
  const paid = all.filter((f) => !new Decimal(f.cost).isZero());
  return paid.length > 0 ? paid : all;
}

/** "0.00012 BNB + 0.05 USDT"; null when the order has no fee recorded. */
export function formatOrderFees(row: OrderFeeFields): string | null {
  const fees = orderFees(row);
  return fees.length > 0 ? fees.map((f) => `${f.cost} ${f.currency}`).join(" + ") : null;
}
