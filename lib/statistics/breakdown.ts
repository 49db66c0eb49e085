import Decimal from "decimal.js";
import type { OpenLots, Realization } from "./fifo";
import { isUsdQuoted, quoteOf, tradeFigures, type TradeFigures } from "./figures";

export interface BreakdownRow {
  key: string;
  accountId: string | null;
  strategyId: string | null;
  symbol: string | null;
  /** The currency the row's money is in: its market's quote, or USDT for sums of USD-quoted markets. */
  currency: string;
  figures: TradeFigures;
  /** Open lots at the last price less what they cost; null when a price is missing. */
  unrealized: string | null;
  /** What the open lots are worth at the last price (at cost where there is no price). */
  exposure: string;
}

export type PriceOf = (accountId: string, symbol: string) => string | null;

/** A fill as the breakdowns need it: where it belongs and its quote-counted fee, parsed once. */
export interface FeeItem {
  accountId: string;
  strategyId: string | null;
  symbol: string;
  fee: Decimal;
}

interface Group {
  realizations: Realization[];
  fees: Decimal;
  fills: number;
  open: OpenLots[];
  accountId: string | null;
  strategyId: string | null;
  symbol: string | null;
  currency: string;
}

/**
 * Groups the period's realizations and fills and the open lots by `keyOf` (null leaves an item out), and
 * works out each group's figures, unrealized P&L and exposure. Rows with nothing in the period and
 * nothing open are left out; the largest realized P&L first.
 */
export function breakdown(
  input: { realizations: Realization[]; fills: FeeItem[]; open: OpenLots[] },
  keyOf: (item: { accountId: string; strategyId: string | null; symbol: string }) => { key: string; accountId: string | null; strategyId: string | null; symbol: string | null; currency: string } | null,
  priceOf: PriceOf,
): BreakdownRow[] {
  const groups = new Map<string, Group>();
  const groupOf = (item: { accountId: string; strategyId: string | null; symbol: string }) => {
    const id = keyOf(item);
    if (!id) return null;
    let group = groups.get(id.key);
    if (!group) {
      group = { realizations: [], fees: new Decimal(0), fills: 0, open: [], accountId: id.accountId, strategyId: id.strategyId, symbol: id.symbol, currency: id.currency };
      groups.set(id.key, group);
    }
    return group;
  };
  for (const r of input.realizations) groupOf(r)?.realizations.push(r);
  for (const f of input.fills) {
    const group = groupOf(f);
    if (!group) continue;
    group.fees = group.fees.add(f.fee);
    group.fills += 1;
  }
  for (const o of input.open) groupOf(o)?.open.push(o);
  const rows: BreakdownRow[] = [];
  for (const [key, g] of groups) {
    if (g.realizations.length === 0 && g.fills === 0 && g.open.length === 0) continue;
    let unrealized: Decimal | null = new Decimal(0);
    let exposure = new Decimal(0);
    for (const lot of g.open) {
      const price = priceOf(lot.accountId, lot.symbol);
      if (price === null) {
        unrealized = null;
        exposure = exposure.add(lot.cost);
        continue;
      }
      const value = new Decimal(lot.amount).mul(price);
      exposure = exposure.add(value);
      if (unrealized) unrealized = unrealized.add(value.sub(lot.cost));
    }
    rows.push({
      key,
      accountId: g.accountId,
      strategyId: g.strategyId,
      symbol: g.symbol,
      currency: g.currency,
      figures: tradeFigures(g.realizations, g.fees),
      unrealized: unrealized?.toFixed() ?? null,
      exposure: exposure.toFixed(),
    });
  }
  return rows.sort((a, b) => new Decimal(b.figures.realizedPnl).cmp(a.figures.realizedPnl) || a.key.localeCompare(b.key));
}

/** By account: USD-quoted markets summed in USDT (others are in their symbol's and strategy's rows). */
export const byAccount = (item: { accountId: string; symbol: string }) =>
  isUsdQuoted(item.symbol) ? { key: item.accountId, accountId: item.accountId, strategyId: null, symbol: null, currency: "USDT" } : null;

/** By strategy; manual orders are one row per account. */
export const byStrategy = (item: { accountId: string; strategyId: string | null; symbol: string }) => ({
  key: item.strategyId ?? `manual:${item.accountId}`,
  accountId: item.accountId,
  strategyId: item.strategyId,
  symbol: null,
  currency: isUsdQuoted(item.symbol) ? "USDT" : quoteOf(item.symbol),
});

export const bySymbol = (item: { symbol: string }) => ({ key: item.symbol, accountId: null, strategyId: null, symbol: item.symbol, currency: quoteOf(item.symbol) });
