import Decimal from "decimal.js";
import type { PlannedTrade, RebalanceHolding, RebalanceTarget, RebalanceValuation } from "@/db/schema/rebalancer";

/** What the plan needs of a market (lib/exchanges Market's precision and limits). */
export interface PlanMarket {
  symbol: string;
  amountStep: string;
  minAmount: string | null;
  minCost: string | null;
}

export interface PlanInput {
  quote: string;
  targets: RebalanceTarget[];
  /** Free amounts per asset (what may be sold or spent). */
  holdings: Record<string, string>;
  /** Price of each non-quote target asset in the quote asset. */
  prices: Record<string, string>;
  markets: Record<string, PlanMarket | undefined>;
  minTradeQuote: string;
  /** Taker fee rate assumed for the buy budget (0.001 = 0.1 %). */
  feeRate?: string;
}

export interface Plan {
  valuation: RebalanceValuation;
  trades: PlannedTrade[];
}

const floorTo = (value: Decimal, step: string) => {
  const s = new Decimal(step);
  return s.lte(0) ? value : value.div(s).floor().mul(s);
};

/** The first reason a trade of `amount` at `price` may not go, or undefined. */
function skipOf(amount: Decimal, price: Decimal, market: PlanMarket, minTrade: Decimal): PlannedTrade["skip"] {
  const value = amount.mul(price);
  if (amount.lte(0) || (market.minAmount && amount.lt(market.minAmount))) return "below_min_amount";
  if (market.minCost && value.lt(market.minCost)) return "below_min_notional";
  if (value.lt(minTrade)) return "below_min_trade";
  return undefined;
}

/** Values the target assets (others held are not part of the portfolio) and their weights against the targets. */
export function valuate(input: Pick<PlanInput, "quote" | "targets" | "holdings" | "prices">): RebalanceValuation {
  const priceOf = (asset: string) => (asset === input.quote ? new Decimal(1) : new Decimal(input.prices[asset] ?? 0));
  const values = input.targets.map((t) => {
    const amount = new Decimal(input.holdings[t.asset] ?? 0);
    return { t, amount, price: priceOf(t.asset), value: amount.mul(priceOf(t.asset)) };
  });
  const total = values.reduce((sum, v) => sum.add(v.value), new Decimal(0));
  const holdings: RebalanceHolding[] = values.map(({ t, amount, price, value }) => ({
    asset: t.asset,
    amount: amount.toFixed(),
    price: price.toFixed(),
    value: value.toFixed(),
    weight: total.gt(0) ? value.div(total).mul(100).toDecimalPlaces(4).toFixed() : "0",
    target: t.weight,
  }));
  return { quote: input.quote, total: total.toFixed(), holdings };
}

/** The largest distance, in percentage points, of an asset's weight from its target. */
export function maxDrift(valuation: RebalanceValuation): string {
  return valuation.holdings.reduce((max, h) => Decimal.max(max, new Decimal(h.weight).sub(h.target).abs()), new Decimal(0)).toFixed();
}

/**
 * The market orders that bring the target assets back to their weights: sells first (never more than
 * held, floored to the step), then buys from the quote held plus what the sells bring, scaled down when
 * that would not cover them and their fees. A trade below the market's minimum amount or notional, or
 * below the user's minimum trade, is kept in the plan with its reason and not placed.
 */
export function planRebalance(input: PlanInput): Plan {
  const valuation = valuate(input);
  const total = new Decimal(valuation.total);
  const fee = new Decimal(input.feeRate ?? "0.001");
  const minTrade = new Decimal(input.minTradeQuote);
  const sells: PlannedTrade[] = [];
  const buys: { asset: string; market: PlanMarket; price: Decimal; want: Decimal }[] = [];
  const skipped: PlannedTrade[] = [];
  if (total.lte(0)) return { valuation, trades: [] };

  for (const t of input.targets) {
    if (t.asset === input.quote) continue;
    const market = input.markets[t.asset];
    const held = new Decimal(input.holdings[t.asset] ?? 0);
    const price = new Decimal(input.prices[t.asset] ?? 0);
    const base = { leg: 0, symbol: market?.symbol ?? `${t.asset}/${input.quote}`, asset: t.asset, price: price.toFixed() };
    const diff = total.mul(t.weight).div(100).sub(held.mul(price));
    if (diff.isZero()) continue;
    const side = diff.lt(0) ? "sell" : "buy";
    if (!market || price.lte(0)) {
      skipped.push({ ...base, side, amount: "0", value: diff.abs().toFixed(), skip: market ? "no_price" : "no_market" });
      continue;
    }
    if (side === "buy") {
      buys.push({ asset: t.asset, market, price, want: diff.div(price) });
      continue;
    }
    const amount = Decimal.min(floorTo(diff.neg().div(price), market.amountStep), floorTo(held, market.amountStep));
    const skip = skipOf(amount, price, market, minTrade);
    sells.push({ ...base, side, amount: amount.toFixed(), value: amount.mul(price).toFixed(), ...(skip ? { skip } : {}) });
  }

  const proceeds = sells.filter((s) => !s.skip).reduce((sum, s) => sum.add(new Decimal(s.value).mul(new Decimal(1).sub(fee))), new Decimal(0));
  const budget = new Decimal(input.holdings[input.quote] ?? 0).add(proceeds);
  const wanted = buys.reduce((sum, b) => sum.add(b.want.mul(b.price).mul(fee.add(1))), new Decimal(0));
  const scale = wanted.gt(budget) ? (budget.lte(0) ? new Decimal(0) : budget.div(wanted)) : new Decimal(1);
  const planned: PlannedTrade[] = buys.map((b) => {
    const amount = floorTo(b.want.mul(scale), b.market.amountStep);
    const skip = skipOf(amount, b.price, b.market, minTrade);
    return { leg: 0, symbol: b.market.symbol, asset: b.asset, side: "buy", price: b.price.toFixed(), amount: amount.toFixed(), value: amount.mul(b.price).toFixed(), ...(skip ? { skip } : {}) };
  });
  const trades = [...sells, ...planned, ...skipped].map((t, i) => ({ ...t, leg: i }));
  return { valuation, trades };
}

/** Checks a target list: known assets once each, positive weights summing to exactly 100, the quote included. */
export function targetsProblem(targets: RebalanceTarget[], quote: string): "sum" | "duplicate" | "quote_missing" | "weight" | null {
  const assets = new Set(targets.map((t) => t.asset));
  if (assets.size !== targets.length) return "duplicate";
  if (!assets.has(quote)) return "quote_missing";
  if (targets.some((t) => new Decimal(t.weight).lt(0))) return "weight";
  const sum = targets.reduce((s, t) => s.add(t.weight), new Decimal(0));
  return sum.eq(100) ? null : "sum";
}
