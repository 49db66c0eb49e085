import Decimal from "decimal.js";
import { roundPrice } from "@/lib/exchanges/precision";
import type { Direction } from "../types";

export interface Fill {
  price: string;
  amount: string;
}

/** The volume-weighted entry price of the fills (null before any). */
export function averageEntry(fills: readonly Fill[]): string | null {
  let amount = new Decimal(0);
  let cost = new Decimal(0);
  for (const f of fills) {
    amount = amount.plus(f.amount);
    cost = cost.plus(new Decimal(f.price).mul(f.amount));
  }
  return amount.isZero() ? null : cost.div(amount).toFixed();
}

/** The position the fills add up to. */
export function positionOf(fills: readonly Fill[]): string {
  return fills.reduce((sum, f) => sum.plus(f.amount), new Decimal(0)).toFixed();
}

const exitSide = (direction: Direction) => (direction === "long" ? "sell" : "buy");

/** The take-profit `pct` % beyond the average, rounded to the tick in the deal's favour. */
export function takeProfitPrice(average: string, pct: string, direction: Direction, priceStep: string): string {
  const sign = direction === "long" ? 1 : -1;
  const raw = new Decimal(average).mul(new Decimal(1).plus(new Decimal(pct).mul(sign).div(100)));
  return roundPrice(raw, priceStep, exitSide(direction));
}

/**
 * The stop-loss `pct` % against the deal from its reference: the average entry, or the last safety
 * order's price (the stop then stays put as safety orders fill). Rounded to the tick toward the entry.
 */
export function stopLossPrice(reference: string, pct: string, direction: Direction, priceStep: string): string {
  const sign = direction === "long" ? -1 : 1;
  const raw = new Decimal(reference).mul(new Decimal(1).plus(new Decimal(pct).mul(sign).div(100)));
  return roundPrice(raw, priceStep, exitSide(direction));
}
