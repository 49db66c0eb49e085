import Decimal from "decimal.js";
import type { Direction } from "../types";
import type { TrailingStopSettings } from "./settings";

export type TrailingState =
  | { phase: "waiting"; activation: string }
  | { phase: "active"; watermark: string; stop: string }
  | { phase: "triggered"; stop: string; price: string };

/** A trailing stop before any price: waiting for the activation price (a percentage counts from the entry). */
export function startTrailing(settings: TrailingStopSettings, entry: string, direction: Direction): TrailingState {
  const sign = direction === "long" ? 1 : -1;
  const activation = settings.activation.by === "price" ? new Decimal(settings.activation.price) : new Decimal(entry).mul(new Decimal(1).plus(new Decimal(settings.activation.pct).mul(sign).div(100)));
  return { phase: "waiting", activation: activation.toFixed() };
}

const stopFrom = (watermark: Decimal, callbackPct: string, direction: Direction) =>
  watermark.mul(new Decimal(1).minus(new Decimal(callbackPct).mul(direction === "long" ? 1 : -1).div(100)));

/**
 * One price: a waiting stop activates when the price reaches the activation (the watermark starts
 * there); an active one follows the best price (highest for a long, lowest for a short) at the callback
 * and triggers when the price comes back to its stop. `fired` is true only on the price that triggers it:
 * a triggered stop stays triggered and never fires again.
 */
export function stepTrailing(state: TrailingState, price: string, settings: TrailingStopSettings, direction: Direction): { state: TrailingState; fired: boolean } {
  const p = new Decimal(price);
  const better = (a: Decimal, b: Decimal.Value) => (direction === "long" ? a.gt(b) : a.lt(b));
  if (state.phase === "triggered") return { state, fired: false };
  if (state.phase === "waiting") {
    if (better(p, state.activation) || p.eq(state.activation)) return { state: { phase: "active", watermark: p.toFixed(), stop: stopFrom(p, settings.callbackPct, direction).toFixed() }, fired: false };
    return { state, fired: false };
  }
  if (better(p, state.watermark)) return { state: { phase: "active", watermark: p.toFixed(), stop: stopFrom(p, settings.callbackPct, direction).toFixed() }, fired: false };
  const hit = direction === "long" ? p.lte(state.stop) : p.gte(state.stop);
  return hit ? { state: { phase: "triggered", stop: state.stop, price: p.toFixed() }, fired: true } : { state, fired: false };
}
