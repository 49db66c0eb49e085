import Decimal from "decimal.js";
import { floorToStep, roundPrice } from "@/lib/exchanges/precision";
import type { Market } from "@/lib/exchanges/types";
import { sizeLevel } from "../levels";
import type { LevelRefusal, PlannedOrder } from "../types";
import type { GridSettings } from "./settings";

/**
 * The level prices from lower to upper (both included): equal steps (arithmetic) or equal ratios
 * (geometric), each rounded down to the tick. A level that rounds onto the one below it is refused.
 */
export function gridPrices(s: Pick<GridSettings, "lower" | "upper" | "levels" | "spacing">, priceStep: string): { prices: string[]; refusals: LevelRefusal[] } {
  const lower = new Decimal(s.lower);
  const upper = new Decimal(s.upper);
  const gaps = s.levels - 1;
  const prices: string[] = [];
  const refusals: LevelRefusal[] = [];
  for (let i = 0; i <= gaps; i++) {
    const raw = s.spacing === "arithmetic" ? lower.plus(upper.minus(lower).mul(i).div(gaps)) : lower.mul(upper.div(lower).pow(new Decimal(i).div(gaps)));
    // The ends are the user's own prices: a geometric power may land a hair off them.
    const exact = i === 0 ? lower : i === gaps ? upper : raw;
    const price = roundPrice(exact, priceStep, "buy");
    const below = prices.at(-1);
    if (below !== undefined && new Decimal(price).lte(below)) {
      refusals.push({ level: i, reason: "price_not_apart", price, message: `Grid level ${i + 1} at ${price} is not apart from the level below it at the market's price step ${priceStep}: use fewer levels or a wider range.` });
      continue;
    }
    prices.push(price);
  }
  return { prices, refusals };
}

/** The level left without an order: the one nearest the price (buys rest below it, sells above). */
export function emptyLevel(prices: readonly string[], price: string): number {
  let best = 0;
  for (let i = 1; i < prices.length; i++) {
    if (new Decimal(prices[i]!).minus(price).abs().lt(new Decimal(prices[best]!).minus(price).abs())) best = i;
  }
  return best;
}

export interface GridPlan {
  prices: string[];
  empty: number;
  /** The base amount every level's order carries, so each cycle buys and sells the same amount. */
  amount: string;
  /** The market buy of the base the sells above the price need (absent without sells), then one order per level. */
  orders: PlannedOrder[];
  refusals: LevelRefusal[];
  /** Quote committed: the resting buys plus the base bought for the sells. */
  funds: string;
}

/**
 * The grid at `price`: one amount for every level, the largest the investment covers (buys at their
 * level prices, the sells' base bought now at `price`), rounded down to the step; levels whose order
 * would fall below the market's minimums are refused by name.
 */
export function gridPlan(s: GridSettings, market: Market, price: string): GridPlan {
  const { prices, refusals } = gridPrices(s, market.priceStep);
  const empty = emptyLevel(prices, price);
  const sells = prices.length - 1 - empty;
  const buyPrices = prices.slice(0, empty);
  const perUnit = buyPrices.reduce((sum, p) => sum.plus(p), new Decimal(0)).plus(new Decimal(price).mul(sells));
  const amount = perUnit.gt(0) ? floorToStep(new Decimal(s.investment).div(perUnit), market.amountStep) : "0";

  const orders: PlannedOrder[] = [];
  if (sells > 0) {
    const inventory = sizeLevel(market, { level: -1, name: "The base bought for the sell levels", role: "inventory", side: "buy", type: "market", price, amount: new Decimal(amount).mul(sells).toFixed() });
    if (inventory.ok) orders.push(inventory.order);
    else refusals.push(inventory.refusal);
  }
  prices.forEach((levelPrice, i) => {
    if (i === empty) return;
    const side = i < empty ? "buy" : "sell";
    const sized = sizeLevel(market, { level: i, name: `Grid level ${i + 1} (${side})`, role: side === "buy" ? "grid_buy" : "grid_sell", side, type: "limit", price: levelPrice, amount });
    if (sized.ok) orders.push(sized.order);
    else refusals.push(sized.refusal);
  });
  refusals.sort((a, b) => a.level - b.level);
  const funds = orders.filter((o) => o.side === "buy").reduce((sum, o) => sum.plus(o.cost), new Decimal(0));
  return { prices, empty, amount, orders, refusals, funds: funds.toFixed() };
}
