import Decimal from "decimal.js";
import type { LedgerGroupFigures } from "./groups";
import type { OpenLots } from "./fifo";
import { isUsdQuoted, quoteOf, type TradeFigures } from "./figures";

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

export type Grouping = "account" | "strategy" | "symbol";

interface GroupId {
  key: string;
  accountId: string | null;
  strategyId: string | null;
  symbol: string | null;
  currency: string;
}

/** By account: USD-quoted markets summed in USDT (others are in their symbol's and strategy's rows). */
const byAccount = (item: { accountId: string; symbol: string }): GroupId | null =>
  isUsdQuoted(item.symbol) ? { key: item.accountId, accountId: item.accountId, strategyId: null, symbol: null, currency: "USDT" } : null;

/** By strategy; manual orders are one row per account. */
const byStrategy = (item: { accountId: string; strategyId: string | null; symbol: string }): GroupId => ({
  key: item.strategyId ?? `manual:${item.accountId}`,
  accountId: item.accountId,
  strategyId: item.strategyId,
  symbol: null,
  currency: isUsdQuoted(item.symbol) ? "USDT" : quoteOf(item.symbol),
});

const bySymbol = (item: { symbol: string }): GroupId => ({ key: item.symbol, accountId: null, strategyId: null, symbol: item.symbol, currency: quoteOf(item.symbol) });

export const groupOf: Record<Grouping, (item: { accountId: string; strategyId: string | null; symbol: string }) => GroupId | null> = {
  account: byAccount,
  strategy: byStrategy,
  symbol: bySymbol,
};

/** A group's trade figures from its sums: ratios worked out here, in exact decimals. */
export function groupTradeFigures(g: Pick<LedgerGroupFigures, "realized" | "trades" | "wins" | "grossProfit" | "grossLoss" | "maxDrawdown" | "fees">): TradeFigures {
  const losses = g.trades - g.wins;
  const grossProfit = new Decimal(g.grossProfit);
  const grossLoss = new Decimal(g.grossLoss);
  return {
    realizedPnl: new Decimal(g.realized).toFixed(),
    trades: g.trades,
    wins: g.wins,
    losses,
    winRate: g.trades > 0 ? new Decimal(g.wins).div(g.trades).toFixed() : null,
    averageWin: g.wins > 0 ? grossProfit.div(g.wins).toFixed() : null,
    averageLoss: losses > 0 ? grossLoss.div(losses).neg().toFixed() : null,
    profitFactor: grossLoss.gt(0) ? grossProfit.div(grossLoss).toFixed() : null,
    maxDrawdown: new Decimal(g.maxDrawdown).toFixed(),
    fees: new Decimal(g.fees).toFixed(),
  };
}

const NOTHING = { realized: "0", trades: 0, wins: 0, grossProfit: "0", grossLoss: "0", maxDrawdown: "0", fees: "0" };

/**
 * Rows of one breakdown: the period's figures per group (summed by the database) with each group's open
 * lots valued at `priceOf` (unrealized P&L and exposure). A group with nothing in the period shows only
 * when it holds something; the largest realized P&L first.
 */
export function breakdown(groups: LedgerGroupFigures[], open: OpenLots[], grouping: Grouping, priceOf: PriceOf): BreakdownRow[] {
  const keyOf = groupOf[grouping];
  const rows = new Map<string, { id: GroupId; figures: TradeFigures; open: OpenLots[] }>();
  for (const g of groups) {
    const id = keyOf({ accountId: g.accountId ?? "", strategyId: g.strategyId, symbol: g.symbol });
    if (id) rows.set(g.key, { id: { ...id, key: g.key }, figures: groupTradeFigures(g), open: [] });
  }
  for (const lots of open) {
    const id = keyOf(lots);
    if (!id) continue;
    let row = rows.get(id.key);
    if (!row) {
      row = { id, figures: groupTradeFigures(NOTHING), open: [] };
      rows.set(id.key, row);
    }
    row.open.push(lots);
  }
  const result: BreakdownRow[] = [];
  for (const { id, figures, open: lots } of rows.values()) {
    let unrealized: Decimal | null = new Decimal(0);
    let exposure = new Decimal(0);
    for (const lot of lots) {
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
    result.push({ ...id, figures, unrealized: unrealized?.toFixed() ?? null, exposure: exposure.toFixed() });
  }
  return result.sort((a, b) => new Decimal(b.figures.realizedPnl).cmp(a.figures.realizedPnl) || a.key.localeCompare(b.key));
}
