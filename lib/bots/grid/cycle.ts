import Decimal from "decimal.js";
import type { OrderSide } from "@/lib/exchanges/types";

/** After a fill at `level`, the opposite order one level away: a buy is answered by a sell above, a sell by a buy below. */
export function oppositeOrder(prices: readonly string[], filled: { level: number; side: OrderSide }): { level: number; side: OrderSide; price: string } | null {
  const level = filled.side === "buy" ? filled.level + 1 : filled.level - 1;
  const price = prices[level];
  return price === undefined ? null : { level, side: filled.side === "buy" ? "sell" : "buy", price };
}

/** What one completed cycle (a buy and a sell of `amount` at adjacent levels) earns after fees on both fills. */
export function cycleProfit(buyPrice: string, sellPrice: string, amount: string, feeRate = "0"): string {
  const bought = new Decimal(buyPrice).mul(amount);
  const sold = new Decimal(sellPrice).mul(amount);
  return sold.minus(bought).minus(bought.plus(sold).mul(feeRate)).toFixed();
}

/** The least and most a cycle earns across the grid's adjacent levels. */
export function cycleProfitRange(prices: readonly string[], amount: string, feeRate = "0"): { min: string; max: string } | null {
  if (prices.length < 2) return null;
  const profits = prices.slice(1).map((sell, i) => new Decimal(cycleProfit(prices[i]!, sell, amount, feeRate)));
  return { min: Decimal.min(...profits).toFixed(), max: Decimal.max(...profits).toFixed() };
}
