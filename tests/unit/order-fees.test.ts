import { describe, expect, it } from "vitest";
import { formatOrderFees, orderFees } from "@/components/orders/fees";

describe("an order's fees", () => {
  it("lists every currency of a mixed order, in a stable order, exactly", () => {
    const row = { fee: null, feeCurrency: null, fees: { USDT: "0.050000000", BNB: "0.00012" } };
    expect(orderFees(row)).toEqual([
      { currency: "BNB", cost: "0.00012" },
      { currency: "USDT", cost: "0.05" },
    ]);
    expect(formatOrderFees(row)).toBe("0.00012 BNB + 0.05 USDT");
  });

  it("keeps tiny fees in plain digits", () => {
    expect(formatOrderFees({ fee: null, feeCurrency: null, fees: { BTC: "0.00000001" } })).toBe("0.00000001 BTC");
  });

  it("reads the single fee of a row that has no per-currency fees", () => {
    expect(formatOrderFees({ fee: "0.75", feeCurrency: "USDT", fees: null })).toBe("0.75 USDT");
    expect(formatOrderFees({ fee: "0.75", feeCurrency: "USDT", fees: {} })).toBe("0.75 USDT");
  });

  it("leaves zero fees out beside paid ones, and shows a zero fee alone", () => {
    expect(formatOrderFees({ fee: null, feeCurrency: null, fees: { BNB: "0", USDT: "0.1" } })).toBe("0.1 USDT");
    expect(formatOrderFees({ fee: "0", feeCurrency: "USDT", fees: { USDT: "0" } })).toBe("0 USDT");
  });

  it("is nothing when no fee is known", () => {
    expect(formatOrderFees({ fee: null, feeCurrency: null, fees: null })).toBeNull();
    expect(formatOrderFees({ fee: "0.1", feeCurrency: null, fees: null })).toBeNull();
  });
});
