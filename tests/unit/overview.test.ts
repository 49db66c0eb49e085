import { describe, expect, it } from "vitest";
import en from "@/messages/en.overview.json";
import ru from "@/messages/ru.overview.json";
import { quoteOf, sumByQuote, utcDay, valuePosition } from "@/lib/overview/pnl";

const keys = (value: unknown, prefix = ""): string[] =>
  value && typeof value === "object" ? Object.entries(value).flatMap(([k, v]) => keys(v, `${prefix}${k}.`)) : [prefix.slice(0, -1)];

describe("overview figures", () => {
  it("values a position exactly, with no float rounding", () => {
    // 0.1 + 0.2 style traps: 3 × 0.1 bought for 0.3, now at 0.1000001.
    expect(valuePosition("3", "0.3", "0.1000001")).toEqual({ averageEntry: "0.1", unrealized: "0.0000003", unrealizedPct: "0.0001" });
    expect(valuePosition("0.5", "1000", null)).toEqual({ averageEntry: "2000", unrealized: null, unrealizedPct: null });
    // Received for free (a fee rebate): a value but no percentage of nothing.
    expect(valuePosition("2", "0", "10")).toEqual({ averageEntry: "0", unrealized: "20", unrealizedPct: null });
  });

  it("names the quote of spot and perpetual symbols", () => {
    expect(quoteOf("BTC/USDT")).toBe("USDT");
    expect(quoteOf("ETH/USDC:USDC")).toBe("USDC");
  });

  it("adds per quote asset, largest first", () => {
    expect(sumByQuote([{ quote: "USDT", amount: "1.1" }, { quote: "USDC", amount: "-5" }, { quote: "USDT", amount: "2.2" }])).toEqual([
      { quote: "USDC", amount: "-5" },
      { quote: "USDT", amount: "3.3" },
    ]);
  });

  it("takes the UTC day, whatever the server's zone", () => {
    expect(utcDay(new Date("2031-01-01T00:00:00.000Z"))).toEqual({ from: new Date("2031-01-01T00:00:00.000Z"), to: new Date("2031-01-02T00:00:00.000Z") });
    expect(utcDay(new Date("2030-12-31T23:59:59.999Z")).from.toISOString()).toBe("2030-12-31T00:00:00.000Z");
    expect(utcDay(new Date("2031-03-01T01:30:00+03:00")).from.toISOString()).toBe("2031-02-28T00:00:00.000Z");
  });

  it("has every string in English and Russian", () => {
    expect(keys(ru).sort()).toEqual(keys(en).sort());
  });
});
