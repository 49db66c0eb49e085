import { checkOrder } from "@/lib/exchanges/precision";
import type { Market, OrderRefusal, OrderSide } from "@/lib/exchanges/types";
import type { LevelRefusal, PlannedOrder } from "./types";

const REASON_TEXT: Record<OrderRefusal["reason"], (min: string | undefined) => string> = {
  amount_too_small: (min) => `its amount is below the market's minimum of ${min}`,
  amount_too_large: (max) => `its amount is above the market's maximum of ${max}`,
  cost_too_small: (min) => `its value is below the market's minimum order of ${min}`,
  price_required: () => "it has no price",
  not_positive: () => "its price or amount is not above zero",
};

/**
 * Rounds one level of a plan to the market (price to the tick, away from overpaying; amount down to the
 * step) and checks it against the market's minimums: the order, or a refusal naming the level.
 */
export function sizeLevel(
  market: Market,
  level: { level: number; name: string; role: PlannedOrder["role"]; side: OrderSide; type: PlannedOrder["type"]; price: string; amount: string },
): { ok: true; order: PlannedOrder } | { ok: false; refusal: LevelRefusal } {
  const check = checkOrder(market, {
    side: level.side,
    type: level.type,
    amount: level.amount,
    ...(level.type === "limit" ? { price: level.price } : { referencePrice: level.price }),
  });
  if (!check.ok) {
    const reason = check.reason === "price_required" ? "not_positive" : check.reason;
    const limit = "min" in check ? check.min : "max" in check ? check.max : undefined;
    return {
      ok: false,
      refusal: {
        level: level.level,
        reason,
        price: level.price,
        ...(limit !== undefined ? { min: limit } : {}),
        message: `${level.name} at ${level.price} cannot be placed: ${REASON_TEXT[check.reason](limit)}.`,
      },
    };
  }
  const price = check.price ?? level.price;
  return {
    ok: true,
    order: { level: level.level, role: level.role, side: level.side, type: level.type, price, amount: check.amount, cost: check.cost ?? "0" },
  };
}
