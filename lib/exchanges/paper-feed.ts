import { createHash } from "node:crypto";
import Decimal from "decimal.js";
import { findPaperMarket } from "./paper-markets";

/**
 * The simulated market the paper exchange falls back to when no live ticker can be reached (a machine
 * with no internet): per symbol a seeded random walk that moves every few seconds, pulled back towards a
 * plausible level so it never wanders off. It is a stand-in, not the market, and every page that shows
 * its prices says so. The walk is a pure function of where it last stood and the clock, so several
 * processes advancing it from the same stored price agree to the last digit.
 */

export const SIMULATED_STEP_MS = 5_000;
// At most this many steps are walked at once (a price last seen a day ago restarts from an hour's walk).
const MAX_STEPS = 720;
// Each step moves at most ±0.15 %; the pull back towards the anchor is 0.5 % of the log distance a step.
const STEP_SCALE = new Decimal("0.0015");
const PULL = new Decimal("0.005");

/** Where the walk starts for a symbol it has never priced (rough levels; the walk moves on from them). */
const ANCHORS: Record<string, string> = {
  BTC: "60000",
  ETH: "3000",
  SOL: "150",
  BNB: "600",
  XRP: "0.6",
  DOGE: "0.15",
  ADA: "0.45",
  LTC: "80",
};

export function simulatedAnchor(symbol: string): string | null {
  const base = symbol.split("/")[0] ?? "";
  return ANCHORS[base] ?? null;
}

/** A step's move in [-1, 1], from the symbol and the step's number alone. */
function shock(symbol: string, step: number): Decimal {
  const digest = createHash("sha256").update(`${symbol}:${step}`).digest();
  return new Decimal(digest.readUInt32BE(0)).div(0xffffffff).mul(2).sub(1);
}

/**
 * The simulated price of `symbol` at `now`, walked on from `from` (the last price known, and when), or from
 * the symbol's anchor when nothing is known. Null for a symbol the paper market does not list.
 */
export function simulatedPrice(symbol: string, now: number, from?: { price: string; at: number } | null): string | null {
  return simulatedPath(symbol, now, from)?.at(-1)?.price ?? null;
}

/**
 * Every step of the walk from `from` to `now` (each at its step's start, rounded to the market's tick), the
 * last one being `simulatedPrice`; null for a symbol the paper market does not list. The chart draws the
 * paper market's candles from these.
 */
export function simulatedPath(symbol: string, now: number, from?: { price: string; at: number } | null): { at: number; price: string }[] | null {
  const market = findPaperMarket(symbol);
  const anchor = simulatedAnchor(symbol);
  if (!market || !anchor) return null;
  const last = Math.floor(now / SIMULATED_STEP_MS);
  let step = from ? Math.floor(from.at / SIMULATED_STEP_MS) : last - 1;
  let price = new Decimal(from?.price ?? anchor);
  if (last - step > MAX_STEPS) step = last - MAX_STEPS;
  const pullTo = new Decimal(anchor);
  const tick = new Decimal(market.priceStep);
  const rounded = (p: Decimal) => Decimal.max(tick, p.div(tick).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).mul(tick)).toFixed();
  const path: { at: number; price: string }[] = [];
  for (step += 1; step <= last; step++) {
    const drift = PULL.mul(Decimal.ln(price.div(pullTo))).neg();
    price = price.mul(Decimal.add(1, shock(symbol, step).mul(STEP_SCALE)).add(drift));
    path.push({ at: step * SIMULATED_STEP_MS, price: rounded(price) });
  }
  // Already at `now`'s step: the price stands where it was.
  if (path.length === 0) path.push({ at: last * SIMULATED_STEP_MS, price: rounded(price) });
  return path;
}
