import { describe, expect, it } from "vitest";
import { fifoFigures, type LedgerFill } from "@/lib/statistics";

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const fill = (minute: number, orderId: string, side: "buy" | "sell", amount: string, quoteValue: string, feeQuote = "0"): LedgerFill => ({
  orderId,
  strategyId: "s",
  accountId: "a",
  symbol: "BTC/USDT:USDT",
  side,
  amount,
  quoteValue,
  fees: feeQuote === "0" ? {} : { USDT: feeQuote },
  feeQuote,
  feePrices: {},
  at: new Date(T0 + minute * 60_000),
});

describe("FIFO of perpetual short lots", () => {
  it("covers the oldest short lot first and realizes entry - exit", () => {
    const figures = fifoFigures([
      fill(1, "o1", "sell", "0.01", "500", "0.5"), // short lot1: 0.01 @ 50,000, entry value 499.5
      fill(2, "o2", "sell", "0.01", "520"), // short lot2: 0.01 @ 52,000, entry 520
      fill(3, "o3", "buy", "0.015", "735", "0.3"), // covers lot1 + half of lot2 at 49,000: 499.5 + 260 - 735.3 = 24.2
      fill(4, "o4", "buy", "0.005", "260"), // rest of lot2 at 52,000: 260 - 260 = 0 (a loss by convention)
    ]);
    expect(figures.realizedPnl).toBe("24.2");
    expect([figures.wins, figures.losses]).toEqual([1, 1]);
    expect(figures.open).toEqual([]);
  });

  it("a long closed by a bigger sell leaves a short lot", () => {
    const figures = fifoFigures([fill(1, "o1", "buy", "0.01", "500"), fill(2, "o2", "sell", "0.03", "1530")]);
    expect(figures.realizedPnl).toBe("10");
    expect(figures.open).toEqual([{ strategyId: "s", accountId: "a", symbol: "BTC/USDT:USDT", amount: "-0.02", cost: "1020" }]);
  });

  it("spot books still ignore a sell of coins never bought", () => {
    const figures = fifoFigures([{ ...fill(1, "o1", "sell", "1", "100"), symbol: "BTC/USDT" }]);
    expect(figures.realizedPnl).toBe("0");
    expect(figures.open).toEqual([]);
  });
});
