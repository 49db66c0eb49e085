import Decimal from "decimal.js";
import { roundPrice } from "@/lib/exchanges/precision";
import type { Market } from "@/lib/exchanges/types";
import { sizeLevel } from "../levels";
import type { LevelRefusal, PlannedOrder } from "../types";
import { totalDeviationPct, type DcaSettings } from "./settings";

export interface DcaLadder {
  /** Level 0 is the base order (a market order at the start price), then the safety orders in order. */
  levels: PlannedOrder[];
  refusals: LevelRefusal[];
  /** What the whole ladder costs when every level fills (fees not included). */
  funds: string;
}

const entrySide = (s: Pick<DcaSettings, "direction">) => (s.direction === "long" ? "buy" : "sell");

/**
 * The base order and the safety orders from `startPrice`: safety k at the total deviation of k steps
 * (first deviation, each next step times the step scale), sized first safety × volume scale^(k-1) in the
 * quote asset. Prices round to the tick (never overpaying), amounts down to the step; a level below the
 * market's minimums, or no longer apart from the one before after rounding, is refused by name.
 */
export function dcaLadder(settings: DcaSettings, market: Market, startPrice: string): DcaLadder {
  const side = entrySide(settings);
  const away = settings.direction === "long" ? -1 : 1;
  const levels: PlannedOrder[] = [];
  const refusals: LevelRefusal[] = [];
  const start = new Decimal(startPrice);

  const base = sizeLevel(market, {
    level: 0,
    name: "The base order",
    role: "base",
    side,
    type: "market",
    price: start.toFixed(),
    amount: new Decimal(settings.baseOrder).div(start).toFixed(),
  });
  if (base.ok) levels.push(base.order);
  else refusals.push(base.refusal);

  let previous = start;
  for (let k = 1; k <= settings.maxSafetyOrders; k++) {
    const raw = start.mul(new Decimal(1).plus(totalDeviationPct(settings, k).mul(away).div(100)));
    const price = new Decimal(roundPrice(raw, market.priceStep, side));
    const name = `Safety order ${k}`;
    if (price.gt(0) && (settings.direction === "long" ? price.gte(previous) : price.lte(previous))) {
      refusals.push({ level: k, reason: "price_not_apart", price: price.toFixed(), message: `${name} at ${price.toFixed()} is not apart from the level before it at the market's price step ${market.priceStep}.` });
      continue;
    }
    const quote = new Decimal(settings.safetyOrder).mul(new Decimal(settings.volumeScale).pow(k - 1));
    const amount = price.gt(0) ? quote.div(price) : new Decimal(0);
    const sized = sizeLevel(market, { level: k, name, role: "safety", side, type: "limit", price: price.toFixed(), amount: amount.toFixed() });
    if (sized.ok) levels.push(sized.order);
    else refusals.push(sized.refusal);
    previous = price;
  }

  return { levels, refusals, funds: levels.reduce((sum, l) => sum.plus(l.cost), new Decimal(0)).toFixed() };
}
