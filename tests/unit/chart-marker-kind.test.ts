import { describe, expect, it } from "vitest";
import { kindOf } from "@/db/queries/chart-markers";

describe("what a chart marks an order as", () => {
  const spot = { perpetual: false, reduceOnly: false };
  it("spot: a signal's buy is an entry, its sell or close an exit", () => {
    expect(kindOf("buy", "buy", spot)).toBe("entry");
    expect(kindOf("sell", "sell", spot)).toBe("exit");
    expect(kindOf("close", "sell", spot)).toBe("exit");
    expect(kindOf("tp", "sell", spot)).toBe("tp");
    expect(kindOf(null, "buy", spot)).toBe("buy");
  });

  it("perpetual: a sell that is not reduce-only opens a short (an entry); the reduce-only close of a long or short is an exit", () => {
    expect(kindOf("sell", "sell", { perpetual: true, reduceOnly: false })).toBe("short");
    expect(kindOf("close", "sell", { perpetual: true, reduceOnly: true })).toBe("exit");
    expect(kindOf("close", "buy", { perpetual: true, reduceOnly: true })).toBe("exit");
    expect(kindOf("buy", "buy", { perpetual: true, reduceOnly: false })).toBe("entry");
  });
});
