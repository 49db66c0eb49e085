import { describe, expect, it } from "vitest";
import { exchangeResultOf } from "@/lib/engine/lifecycle";
import type { ExchangeOrder } from "@/lib/exchanges";

const order = (over: Partial<ExchangeOrder>): ExchangeOrder =>
  ({ id: "1", clientOrderId: "c", symbol: "BTC/USDT", side: "buy", type: "market", status: "closed", amount: "0.01", filled: "0.01", average: "60000", cost: "600", timestamp: Date.now(), ...over }) as ExchangeOrder;

describe("our row's view of an exchange answer", () => {
  it("keeps every fee of an order paid in two currencies", () => {
    const result = exchangeResultOf(order({ fees: [{ currency: "BNB", cost: "0.0001" }, { currency: "USDT", cost: "0.05" }] }));
    expect(result.fees).toEqual({ BNB: "0.0001", USDT: "0.05" });
    expect(result.fee).toBeNull();
  });

  it("an answer without fees (a cancel's) leaves the stored fees alone instead of clearing them", () => {
    const result = exchangeResultOf(order({ status: "canceled", fees: [], fee: undefined }));
    expect(result.fees).toBeUndefined();
  });
});
