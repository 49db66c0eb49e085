import Decimal from "decimal.js";
import { checkOrder, floorToStep, roundPrice } from "@/lib/exchanges/precision";
import type { Market, OrderSide } from "@/lib/exchanges/types";
import { TRADABLE_PERCENT, type SkipReason } from "./plan";

export type TargetPosition = "long" | "short" | "flat";

/**
 * One order of a perpetual signal. `close` legs are reduceOnly and take the whole position (`all`) or the
 * strategy's sized amount (`sized`, a partial exit); `open` legs are sized by the strategy. A reversal is
 * two legs, in order: close, then open. Each becomes its own order row under its own leg name.
 */
export type PerpLeg =
  | { leg: "close"; side: OrderSide; reduceOnly: true; size: "all" | "sized" }
  | { leg: "buy" | "sell"; side: OrderSide; reduceOnly: false; size: "sized" };

export type PerpPlan = { ok: true; legs: PerpLeg[] } | { ok: false; reason: SkipReason };

const closeAll = (held: Decimal): PerpLeg => ({ leg: "close", side: held.gt(0) ? "sell" : "buy", reduceOnly: true, size: "all" });
const open = (side: OrderSide): PerpLeg => ({ leg: side, side, reduceOnly: false, size: "sized" });

/**
 * What a signal does to a perpetual position (`held`: signed base, negative short). With a target
 * position the target decides: long/short opens (reversing the other side first), flat closes whatever
 * is open, and a target on the side held with the opposite action is a partial exit. Without one, buy
 * opens a long or closes a short; sell closes a long or, where the strategy allows shorts, opens a short.
 */
export function planPerp(input: { action: "buy" | "sell" | "close"; target: TargetPosition | null; held: string; allowShorts: boolean }): PerpPlan {
  const held = new Decimal(input.held);
  const long = held.gt(0);
  const short = held.lt(0);
  const { action, target } = input;
  if (action === "close" || target === "flat") return long || short ? { ok: true, legs: [closeAll(held)] } : { ok: false, reason: "no_position" };
  if (target === "long") {
    if (action === "sell") return long ? { ok: true, legs: [{ leg: "close", side: "sell", reduceOnly: true, size: "sized" }] } : { ok: false, reason: "no_position" };
    return { ok: true, legs: short ? [closeAll(held), open("buy")] : [open("buy")] };
  }
  if (target === "short") {
    if (action === "buy") return short ? { ok: true, legs: [{ leg: "close", side: "buy", reduceOnly: true, size: "sized" }] } : { ok: false, reason: "no_position" };
    return { ok: true, legs: long ? [closeAll(held), open("sell")] : [open("sell")] };
  }
  if (action === "buy") return { ok: true, legs: [short ? closeAll(held) : open("buy")] };
  if (long) return { ok: true, legs: [closeAll(held)] };
  return input.allowShorts ? { ok: true, legs: [open("sell")] } : { ok: false, reason: "no_position" };
}

export interface PerpSizingInput {
  leg: PerpLeg;
  sizingMode: "quote" | "base" | "percent";
  sizingValue: string;
  orderType: "market" | "limit";
  limitOffsetPct: string;
  price: string;
  market: Market;
  leverage: number;
  /** Free margin in the quote (settle) currency. */
  freeQuote: string;
  /** The strategy's booked position, signed base. */
  held: string;
}

export type PerpSized =
  | { ok: true; amount: string; base: string; type: "market" | "limit"; price?: string }
  | { ok: false; reason: SkipReason; detail?: Record<string, string> };

/**
 * Contracts for one leg. Sizing is in position terms: a quote amount is the notional (margin = notional /
 * leverage), a base amount is the coins, a percent is of the free margin times the leverage. Contracts =
 * base / contract size, floored to the market's step (an OKX DOGE contract is 1,000 DOGE, a BTC one 0.01 BTC).
 */
export function sizePerpLeg(input: PerpSizingInput): PerpSized {
  const { market, leg } = input;
  const contractSize = new Decimal(market.contractSize ?? 1);
  const type = leg.size === "all" ? "market" : input.orderType;
  const offset = new Decimal(input.limitOffsetPct || "0").div(100);
  const limitPrice =
    type === "limit" ? roundPrice(new Decimal(input.price).mul(leg.side === "buy" ? Decimal.sub(1, offset) : Decimal.add(1, offset)), market.priceStep, leg.side) : undefined;
  const unit = new Decimal(limitPrice ?? input.price);
  if (unit.lte(0)) return { ok: false, reason: "no_price" };
  const heldBase = new Decimal(input.held).abs();

  let base: Decimal;
  if (leg.size === "all") base = heldBase;
  else if (input.sizingMode === "base") base = new Decimal(input.sizingValue);
  else {
    const percent = Decimal.min(input.sizingValue, TRADABLE_PERCENT);
    const notional = input.sizingMode === "percent" ? new Decimal(input.freeQuote).mul(percent).div(100).mul(input.leverage) : new Decimal(input.sizingValue);
    base = notional.div(unit);
  }
  if (leg.reduceOnly) {
    if (heldBase.lte(0)) return { ok: false, reason: "no_position" };
    base = Decimal.min(base, heldBase);
  }
  const contracts = floorToStep(base.div(contractSize), market.amountStep);
  const check = checkOrder(market, { side: leg.side, type, amount: contracts, price: limitPrice, referencePrice: input.price });
  if (!check.ok) {
    const detail: Record<string, string> = { rule: check.reason };
    if ("min" in check) detail.min = check.min;
    return { ok: false, reason: "below_minimum", detail };
  }
  const sizedBase = new Decimal(check.amount).mul(contractSize);
  if (!leg.reduceOnly) {
    const margin = sizedBase.mul(check.price ?? input.price).div(input.leverage);
    if (margin.gt(input.freeQuote)) return { ok: false, reason: "insufficient_balance", detail: { needed: margin.toFixed(), free: input.freeQuote } };
  }
  return { ok: true, amount: check.amount, base: sizedBase.toFixed(), type, price: check.price };
}
