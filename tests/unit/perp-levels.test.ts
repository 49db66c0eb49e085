import { describe, expect, it } from "vitest";
import { perpLevels } from "@/lib/engine/perp-protection";

// A perpetual's take-profit and stop-loss triggers from its booked average (cost basis / held), on the tick.
describe("perpLevels", () => {
  it("a long: take-profit above, stop below, the exit a sell", () => {
    // 0.05 BTC for 3,001.2 (fees in): average 60,024.
    expect(perpLevels({ held: "0.05", costBasis: "3001.2", takeProfitPct: "5", stopLossPct: "2", priceStep: "0.1" })).toEqual({ exitSide: "sell", tp: "63025.2", sl: "58823.6" });
  });

  it("a short: mirrored, the exit a buy", () => {
    // 0.051 BTC short for 2,956.8168 received (fees out): average 57,976.8.
    expect(perpLevels({ held: "-0.051", costBasis: "2956.8168", takeProfitPct: "5", stopLossPct: "2", priceStep: "0.1" })).toEqual({ exitSide: "buy", tp: "55077.9", sl: "59136.3" });
  });

  it("a level not configured is null", () => {
    expect(perpLevels({ held: "-1", costBasis: "100", takeProfitPct: null, stopLossPct: "10", priceStep: "0.01" })).toEqual({ exitSide: "buy", tp: null, sl: "110" });
  });
});
