import { describe, expect, it } from "vitest";
import { gate, sizeOrder, type GateInput, type SizingInput } from "@/lib/engine/plan";

const market = {
  symbol: "BTC/USDT",
  id: "BTCUSDT",
  base: "BTC",
  quote: "USDT",
  type: "spot" as const,
  amountStep: "0.00001",
  priceStep: "0.01",
  minAmount: "0.00001",
  maxAmount: null,
  minCost: "5",
  contractSize: null,
};

const input = (over: Partial<SizingInput>): SizingInput => ({
  action: "buy",
  sizingMode: "percent",
  sizingValue: "100",
  orderType: "market",
  limitOffsetPct: "0",
  price: "50000",
  market,
  freeQuote: "1000",
  freeBase: "0",
  positionAmount: "0",
  ...over,
});

describe("sizing", () => {
  it("percent of the balance keeps 1 % back for fees and price moves", () => {
    // 100 % of 1000 USDT spends at most 990: 0.0198 BTC at 50000.
    expect(sizeOrder(input({ sizingValue: "100" }))).toMatchObject({ ok: true, amount: "0.0198" });
    // Below the tradable share, the percentage is taken as asked.
    expect(sizeOrder(input({ sizingValue: "50" }))).toMatchObject({ ok: true, amount: "0.01" });
  });

  it("a sell never sells more than the strategy holds, whatever the account has", () => {
    const sized = sizeOrder(input({ action: "sell", sizingMode: "base", sizingValue: "1", freeBase: "5", positionAmount: "0.0123" }));
    expect(sized).toMatchObject({ ok: true, side: "sell", amount: "0.0123" });
  });
});

describe("switches", () => {
  const row = (over: Partial<GateInput>): GateInput => ({
    action: "buy",
    followBuy: true,
    followSell: true,
    followClose: true,
    followCancel: true,
    strategyEnabled: true,
    strategyKeepsExits: true,
    role: 2,
    userDisabled: false,
    tradingEnabled: true,
    tradingKeepsExits: true,
    symbolEnabled: null,
    symbolKeepsExits: null,
    accountActive: true,
    ...over,
  });

  it("a paused switch stops entries only; a stopped one stops exits too", () => {
    expect(gate(row({ tradingEnabled: false }))).toBe("trading_paused");
    expect(gate(row({ tradingEnabled: false, action: "sell" }))).toBeNull();
    expect(gate(row({ tradingEnabled: false, tradingKeepsExits: false, action: "close" }))).toBe("trading_off");
    expect(gate(row({ symbolEnabled: false, symbolKeepsExits: true, action: "cancel" }))).toBeNull();
    expect(gate(row({ strategyEnabled: false, strategyKeepsExits: false, action: "sell" }))).toBe("strategy_off");
    expect(gate(row({ strategyEnabled: false }))).toBe("strategy_paused");
  });
});
