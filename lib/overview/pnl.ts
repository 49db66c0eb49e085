import Decimal from "decimal.js";

/** The quote asset of a ccxt symbol: USDT for BTC/USDT and for BTC/USDT:USDT. */
export function quoteOf(symbol: string): string {
  return symbol.split("/")[1]?.split(":")[0] ?? "";
}

export interface PositionValue {
  /** Cost basis per unit held (fees in the quote asset included, as the position books them). */
  averageEntry: string;
  /** Market value less cost basis, in the quote asset; null without a price. */
  unrealized: string | null;
  /** The same as a percentage of the cost basis; null without a price or a cost. */
  unrealizedPct: string | null;
}

/** What an open position is worth at `price` against what it cost. Exact decimals throughout. */
export function valuePosition(amount: string, costBasis: string, price: string | null): PositionValue {
  const held = new Decimal(amount);
  const cost = new Decimal(costBasis);
  const averageEntry = held.gt(0) ? cost.div(held).toFixed() : "0";
  if (price === null) return { averageEntry, unrealized: null, unrealizedPct: null };
  const unrealized = held.mul(price).sub(cost);
  return {
    averageEntry,
    unrealized: unrealized.toFixed(),
    unrealizedPct: cost.gt(0) ? unrealized.div(cost).mul(100).toFixed() : null,
  };
}

/** The start of the UTC day `now` is in, and of the next. */
export function utcDay(now: Date): { from: Date; to: Date } {
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

/** Sums amounts per quote asset, largest absolute first; zero sums are kept (a flat day is news too). */
export function sumByQuote(rows: { quote: string; amount: string }[]): { quote: string; amount: string }[] {
  const sums = new Map<string, Decimal>();
  for (const row of rows) sums.set(row.quote, (sums.get(row.quote) ?? new Decimal(0)).add(row.amount));
  return [...sums.entries()]
    .sort((a, b) => b[1].abs().cmp(a[1].abs()) || a[0].localeCompare(b[0]))
    .map(([quote, amount]) => ({ quote, amount: amount.toFixed() }));
}

/**
 * Whether a held amount is below what its market can trade (its amount step, minimum amount or, at
 * `price`, minimum order value): dust that no order can sell, shown as closed.
 */
export function isDust(amount: string, price: string | null, market: { amountStep: string; minAmount: string | null; minCost: string | null }): boolean {
  const held = new Decimal(amount).abs();
  if (held.isZero()) return true;
  if (held.lt(market.amountStep) || (market.minAmount && held.lt(market.minAmount))) return true;
  return Boolean(price && market.minCost && held.mul(price).lt(market.minCost));
}
