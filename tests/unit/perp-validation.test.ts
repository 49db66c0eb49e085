import { describe, expect, it } from "vitest";
import { parseSignalBody } from "@/lib/signals/payload";
import { strategySchema } from "@/lib/validations/strategies";

const base = {
  name: "BTC perp",
  signalId: "0b8f2c1e-4d1a-4c36-9a6f-1f8e8b1a2c3d",
  accountId: "1c9f3d2e-5e2b-4d47-8b7a-2a9f9c2b3d4e",
  symbol: "BTC/USDT:USDT",
  followBuy: "on",
  sizingMode: "quote",
  sizingValue: "100",
  orderType: "market",
};

describe("perpetual strategy settings", () => {
  it("default to leverage 1, isolated margin, no shorts", () => {
    const parsed = strategySchema.parse(base);
    expect([parsed.leverage, parsed.marginMode, parsed.allowShorts]).toEqual([1, "isolated", false]);
  });

  it("take leverage 1..125 as a whole number, cross margin and shorts", () => {
    const parsed = strategySchema.parse({ ...base, leverage: "125", marginMode: "cross", allowShorts: "on" });
    expect([parsed.leverage, parsed.marginMode, parsed.allowShorts]).toEqual([125, "cross", true]);
    for (const leverage of ["0", "126", "2.5", "x"]) {
      const result = strategySchema.safeParse({ ...base, leverage });
      expect(result.success ? null : result.error.issues[0]?.message).toBe("leverageInvalid");
    }
    expect(strategySchema.safeParse({ ...base, marginMode: "portfolio" }).success).toBe(false);
  });
});

describe("a signal's target position", () => {
  it("reads long, short or flat in any case, as TradingView's strategy.market_position sends", () => {
    const parsed = parseSignalBody('{"action":"sell","symbol":"BTCUSDT.P","position":" Short "}');
    expect(parsed.ok && parsed.data.position).toBe("short");
    const without = parseSignalBody('{"action":"buy","symbol":"BTCUSDT"}');
    expect(without.ok && without.data.position).toBeUndefined();
  });

  it("refuses anything else with a message that lists the choices", () => {
    expect(parseSignalBody('{"action":"sell","symbol":"BTCUSDT","position":"sideways"}')).toEqual({ ok: false, status: 400, message: "position: must be one of long, short, flat" });
  });
});
