import Decimal from "decimal.js";
import type { Market, OrderRefusal, OrderSide, OrderType } from "./types";

/** Rounds down to a multiple of step (amounts: never more than asked or held). */
export function floorToStep(value: Decimal.Value, step: string): string {
  const v = new Decimal(value);
  const s = new Decimal(step);
  if (s.lte(0)) return v.toString();
  return v.div(s).floor().mul(s).toFixed();
}

/** Rounds a price to the market's tick: down for buys, up for sells, so a limit never overpays. */
export function roundPrice(value: Decimal.Value, step: string, side: OrderSide): string {
  const v = new Decimal(value);
  const s = new Decimal(step);
  if (s.lte(0)) return v.toString();
  const q = v.div(s);
  return (side === "buy" ? q.floor() : q.ceil()).mul(s).toFixed();
}

export interface OrderCheckInput {
  side: OrderSide;
  type: OrderType;
  amount: string;
  price?: string;
  /** Used to estimate the cost of a market order. */
  referencePrice?: string;
}

export type OrderCheck =
  | { ok: true; amount: string; price?: string; cost: string | null }
  | ({ ok: false } & OrderRefusal);

/**
 * Applies the market's precision and limits before anything is sent: amounts round down to the step,
 * limit prices to the tick, and orders below the minimum amount or notional are refused with the reason.
 */
export function checkOrder(market: Market, input: OrderCheckInput): OrderCheck {
  let amountDec: Decimal;
  try {
    amountDec = new Decimal(input.amount);
  } catch {
    return { ok: false, reason: "not_positive" };
  }
  if (amountDec.lte(0)) return { ok: false, reason: "not_positive" };
  if (input.type === "limit" && !input.price) return { ok: false, reason: "price_required" };
  const amount = floorToStep(amountDec, market.amountStep);
  const price = input.type === "limit" && input.price ? roundPrice(input.price, market.priceStep, input.side) : undefined;
  if (price !== undefined && new Decimal(price).lte(0)) return { ok: false, reason: "not_positive" };
  if (new Decimal(amount).lte(0) || (market.minAmount && new Decimal(amount).lt(market.minAmount))) {
    return { ok: false, reason: "amount_too_small", min: market.minAmount ?? market.amountStep };
  }
  if (market.maxAmount && new Decimal(amount).gt(market.maxAmount)) {
    return { ok: false, reason: "amount_too_large", max: market.maxAmount };
  }
  const unitPrice = price ?? input.referencePrice;
  const cost = unitPrice
    ? new Decimal(amount).mul(unitPrice).mul(market.contractSize ?? 1).toString()
    : null;
  if (cost !== null && market.minCost && new Decimal(cost).lt(market.minCost)) {
    return { ok: false, reason: "cost_too_small", min: market.minCost };
  }
  return { ok: true, amount, price, cost };
}
