import Decimal from "decimal.js";
import { floorToStep, roundPrice } from "@/lib/exchanges/precision";
import type { Market } from "@/lib/exchanges/types";
import { sizeLevel } from "../levels";
import type { Direction, LevelRefusal } from "../types";
import type { TakeProfitsSettings } from "./settings";

export interface TakeProfitLevel {
  index: number;
  price: string;
  amount: string;
}

/**
 * The take-profit orders for a position: level i at pct_i beyond the entry (rounded to the tick in the
 * position's favour) closing share_i of it rounded down to the step; the last closes the remainder, so
 * the amounts add up exactly to the position. Levels the market would refuse are refused by name.
 */
export function planTakeProfits(
  settings: TakeProfitsSettings,
  position: { entry: string; amount: string; direction: Direction },
  market: Market,
): { levels: TakeProfitLevel[]; refusals: LevelRefusal[] } {
  const side = position.direction === "long" ? "sell" : "buy";
  const sign = position.direction === "long" ? 1 : -1;
  const levels: TakeProfitLevel[] = [];
  const refusals: LevelRefusal[] = [];
  let assigned = new Decimal(0);
  settings.levels.forEach((l, i) => {
    const last = i === settings.levels.length - 1;
    const amount = last ? new Decimal(position.amount).minus(assigned) : new Decimal(floorToStep(new Decimal(position.amount).mul(l.sharePct).div(100), market.amountStep));
    assigned = assigned.plus(amount);
    const price = roundPrice(new Decimal(position.entry).mul(new Decimal(1).plus(new Decimal(l.pct).mul(sign).div(100))), market.priceStep, side);
    const sized = sizeLevel(market, { level: i, name: `Take-profit ${i + 1}`, role: "take_profit", side, type: "limit", price, amount: amount.toFixed() });
    if (sized.ok) levels.push({ index: i, price: sized.order.price, amount: sized.order.amount });
    else refusals.push(sized.refusal);
  });
  return { levels, refusals };
}

export interface TakeProfitState {
  /** What is still held. */
  remaining: string;
  /** Indexes of the levels that have filled. */
  filled: number[];
  /** The stop-loss price now (null without one). */
  stop: string | null;
  closed: boolean;
}

export function startTakeProfits(position: { amount: string }, stop: string | null): TakeProfitState {
  return { remaining: new Decimal(position.amount).toFixed(), filled: [], stop, closed: false };
}

/**
 * A take-profit level filled: the position shrinks by its amount, and after the first fill the stop moves
 * to the entry (break-even, rounded to the tick so it never closes at a loss) when the settings ask for it.
 * A level that already filled changes nothing.
 */
export function takeProfitFilled(
  state: TakeProfitState,
  level: TakeProfitLevel,
  ctx: { settings: TakeProfitsSettings; entry: string; direction: Direction; priceStep: string },
): TakeProfitState {
  if (state.closed || state.filled.includes(level.index)) return state;
  const remaining = new Decimal(state.remaining).minus(level.amount);
  const first = state.filled.length === 0;
  const breakEven = roundPrice(ctx.entry, ctx.priceStep, ctx.direction === "long" ? "sell" : "buy");
  return {
    remaining: Decimal.max(remaining, 0).toFixed(),
    filled: [...state.filled, level.index],
    stop: first && ctx.settings.breakEvenAfterFirst ? breakEven : state.stop,
    closed: remaining.lte(0),
  };
}
