import Decimal from "decimal.js";

/**
 * "What following this signal would have made": its deliveries replayed on a spot paper model, each at
 * the delivery's own price. A buy spends `stake` quote (positions add up); a sell or close sells all that
 * is held of the symbol, closing one trade; a sell with nothing held does nothing (spot has no shorts).
 * No fees or slippage, no orders: pure arithmetic in exact decimals over stored deliveries.
 */

const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -60, toExpPos: 60 });
type Dec = InstanceType<typeof D>;

export const DEFAULT_STAKE = "100";

export interface Delivery {
  action: string;
  symbol: string;
  price: string | null;
  at: Date;
}

export interface ReplayedTrade {
  symbol: string;
  openedAt: Date;
  closedAt: Date;
  /** Quote spent on the buys of the trade. */
  cost: string;
  amount: string;
  entry: string;
  exit: string;
  pnl: string;
  pnlPct: string;
}

export interface TrackRecord {
  stake: string;
  trades: number;
  wins: number;
  /** Percent of closed trades that made money; null before the first one closes. */
  winRate: string | null;
  /** Realised P&L of the closed trades in quote, and as a percent of the quote they spent. */
  pnl: string;
  pnlPct: string | null;
  /** Symbols still held at the end of the replay. */
  open: number;
  /** Deliveries with no price, which cannot be replayed. */
  unpriced: number;
  /** The latest closed trades, newest first. */
  last: ReplayedTrade[];
}

const pct = (part: Dec, whole: Dec, dp = 2) => part.div(whole).mul(100).toDecimalPlaces(dp).toFixed();

export function replayTrackRecord(deliveries: readonly Delivery[], opts: { stake?: string; keepLast?: number } = {}): TrackRecord {
  const stake = new D(opts.stake ?? DEFAULT_STAKE);
  const held = new Map<string, { amount: Dec; cost: Dec; openedAt: Date }>();
  const trades: ReplayedTrade[] = [];
  let unpriced = 0;
  const ordered = [...deliveries].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const d of ordered) {
    const action = d.action.toLowerCase();
    if (action !== "buy" && action !== "sell" && action !== "close") continue;
    let price: Dec | null = null;
    try {
      price = d.price === null ? null : new D(d.price);
    } catch {
      price = null;
    }
    if (!price || !price.isFinite() || price.lte(0)) {
      unpriced += 1;
      continue;
    }
    const position = held.get(d.symbol);
    if (action === "buy") {
      const amount = stake.div(price);
      if (position) {
        position.amount = position.amount.plus(amount);
        position.cost = position.cost.plus(stake);
      } else held.set(d.symbol, { amount, cost: stake, openedAt: d.at });
      continue;
    }
    if (!position) continue;
    const proceeds = position.amount.mul(price);
    const pnl = proceeds.minus(position.cost);
    trades.push({
      symbol: d.symbol,
      openedAt: position.openedAt,
      closedAt: d.at,
      cost: position.cost.toFixed(),
      amount: position.amount.toDecimalPlaces(12).toFixed(),
      entry: position.cost.div(position.amount).toDecimalPlaces(8).toFixed(),
      exit: price.toFixed(),
      pnl: pnl.toDecimalPlaces(8).toFixed(),
      pnlPct: pct(pnl, position.cost),
    });
    held.delete(d.symbol);
  }
  const wins = trades.filter((t) => new D(t.pnl).gt(0)).length;
  const spent = trades.reduce((sum, t) => sum.plus(t.cost), new D(0));
  // Summed from the exact figures, not the rounded ones shown per trade.
  const total = trades.reduce((sum, t) => sum.plus(t.pnl), new D(0));
  return {
    stake: stake.toFixed(),
    trades: trades.length,
    wins,
    winRate: trades.length ? pct(new D(wins), new D(trades.length), 1) : null,
    pnl: total.toDecimalPlaces(8).toFixed(),
    pnlPct: spent.gt(0) ? pct(total, spent) : null,
    open: held.size,
    unpriced,
    last: trades.slice(-(opts.keepLast ?? 5)).reverse(),
  };
}
