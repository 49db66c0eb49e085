import type { Market } from "@/lib/exchanges/types";

/** A market with round numbers for hand-worked plans: tick 0.01, step 0.001, minimum order 10. */
export function handMarket(overrides: Partial<Market> = {}): Market {
  return { symbol: "XYZ/USDT", id: "XYZUSDT", base: "XYZ", quote: "USDT", type: "spot", amountStep: "0.001", priceStep: "0.01", minAmount: "0.001", maxAmount: null, minCost: "10", contractSize: null, ...overrides };
}
