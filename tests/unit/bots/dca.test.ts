import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { averageEntry, stopLossPrice, takeProfitPrice } from "@/lib/bots/dca/deal";
import { dcaLadder } from "@/lib/bots/dca/ladder";
import { dcaSettingsSchema, type DcaSettings } from "@/lib/bots/dca/settings";
import { findPaperMarket } from "@/lib/exchanges/paper-markets";
import { handMarket } from "./fixtures";

const settings = (over: Record<string, unknown> = {}): DcaSettings =>
  dcaSettingsSchema.parse({ baseOrder: "100", safetyOrder: "100", maxSafetyOrders: 3, deviationPct: "2", stepScale: "2", volumeScale: "2", takeProfitPct: "1.5", ...over });

describe("the DCA ladder on a hand-worked example", () => {
  it("places safety orders at 2, 6 and 14 % below the start, doubling in quote, rounded to tick and step", () => {
    const ladder = dcaLadder(settings(), handMarket(), "100");
    // Deviations 2, 2+4, 6+8; quote sizes 100, 200, 400; amounts 100/98 = 1.0204.. -> 1.020, 200/94 -> 2.127, 400/86 -> 4.651.
    expect(ladder.levels.map((l) => [l.level, l.role, l.type, l.price, l.amount, l.cost])).toEqual([
      [0, "base", "market", "100", "1", "100"],
      [1, "safety", "limit", "98", "1.02", "99.96"],
      [2, "safety", "limit", "94", "2.127", "199.938"],
      [3, "safety", "limit", "86", "4.651", "399.986"],
    ]);
    expect(ladder.refusals).toEqual([]);
    expect(ladder.funds).toBe("799.884");
  });

  it("mirrors the ladder above the start for a short, prices rounded up", () => {
    const ladder = dcaLadder(settings({ direction: "short", maxSafetyOrders: 2, deviationPct: "1.005" }), handMarket(), "100");
    // 101.005 -> 101.01 (a sell never below its price), 100 * (1 + 3.015 %) = 103.015 -> 103.02.
    expect(ladder.levels.map((l) => [l.side, l.price])).toEqual([["sell", "100"], ["sell", "101.01"], ["sell", "103.02"]]);
  });

  it("refuses a level below the minimum order by naming it", () => {
    // Safety order quote 9.5 * 1.1^(k-1): 9.5, 10.45 -> the first is under the minimum of 10.
    const ladder = dcaLadder(settings({ safetyOrder: "9.5", volumeScale: "1.1", maxSafetyOrders: 2 }), handMarket(), "100");
    expect(ladder.refusals).toEqual([{ level: 1, reason: "cost_too_small", price: "98", min: "10", message: "Safety order 1 at 98 cannot be placed: its value is below the market's minimum order of 10." }]);
    expect(ladder.levels.map((l) => l.level)).toEqual([0, 2]);
  });

  it("refuses a safety order that rounds onto the level before it", () => {
    // At a tick of 1: 100 * (1 - 0.001 %) = 99.999 -> 99, and 100 * (1 - 0.002 %) = 99.998 -> 99 again.
    const ladder = dcaLadder(settings({ deviationPct: "0.001", stepScale: "1", maxSafetyOrders: 2, safetyOrder: "1000" }), handMarket({ priceStep: "1" }), "100");
    expect(ladder.refusals).toEqual([{ level: 2, reason: "price_not_apart", price: "99", message: "Safety order 2 at 99 is not apart from the level before it at the market's price step 1." }]);
    expect(ladder.levels.map((l) => [l.level, l.price])).toEqual([[0, "100"], [1, "99"]]);
  });

  it("computes the average, take-profit and stop-loss of the deal after each fill", () => {
    const levels = dcaLadder(settings(), handMarket(), "100").levels;
    // After the base and safety 1: (100 + 99.96) / 2.02 = 98.9900990099..; TP 1.5 % above, rounded up: 100.48.
    expect(averageEntry(levels.slice(0, 2))).toBe("98.990099009900990099");
    expect(takeProfitPrice(averageEntry(levels.slice(0, 2))!, "1.5", "long", "0.01")).toBe("100.48");
    // All four: 799.884 / 8.798.
    const average = averageEntry(levels)!;
    expect(average).toBe("90.916571948170038645");
    expect(takeProfitPrice(average, "1.5", "long", "0.01")).toBe("92.29");
    // A 5 % stop from the average (86.37074..) rounds up to the tick; from the last safety order 86: 81.7.
    expect(stopLossPrice(average, "5", "long", "0.01")).toBe("86.38");
    expect(stopLossPrice("86", "5", "long", "0.01")).toBe("81.7");
    expect(takeProfitPrice("100", "2", "short", "0.01")).toBe("98");
    expect(averageEntry([])).toBeNull();
  });
});

describe("DCA settings", () => {
  it("are strict, bounded and say what is wrong", () => {
    const bad = (over: Record<string, unknown>) => dcaSettingsSchema.safeParse({ ...settings(), stopLoss: null, ...over });
    expect(bad({ extra: 1 }).success).toBe(false);
    expect(bad({ maxSafetyOrders: 51 }).error?.issues[0]?.message).toBe("The number of safety orders must be a whole number from 0 to 50.");
    expect(bad({ deviationPct: "0" }).error?.issues[0]?.message).toBe("The first safety order's deviation (%) must be more than 0 and at most 50.");
    expect(bad({ baseOrder: "abc" }).error?.issues[0]?.message).toBe("The base order (in the quote asset) must be a number like 12.5.");
    expect(bad({ stopLoss: { pct: "5", from: "entry" } }).success).toBe(false);
    // 10 safety orders of 10 %, 10 % ... reach 100 %: the last would be at zero.
    expect(bad({ maxSafetyOrders: 10, deviationPct: "10", stepScale: "1" }).error?.issues[0]?.message).toMatch(/price of zero/);
    expect(bad({ maxSafetyOrders: 9, deviationPct: "10", stepScale: "1" }).success).toBe(true);
    expect(settings({ baseOrder: "12,50" }).baseOrder).toBe("12.5");
  });
});

const DECIMAL = (min: number, max: number, places: number) =>
  fc.integer({ min: Math.round(min * 10 ** places), max: Math.round(max * 10 ** places) }).map((n) => new Decimal(n).div(10 ** places).toFixed());

const arbitrarySettings = fc
  .record({
    direction: fc.constantFrom("long", "short"),
    baseOrder: DECIMAL(1, 5000, 2),
    safetyOrder: DECIMAL(1, 5000, 2),
    maxSafetyOrders: fc.integer({ min: 0, max: 12 }),
    deviationPct: DECIMAL(0.1, 5, 2),
    stepScale: DECIMAL(0.5, 1.8, 2),
    volumeScale: DECIMAL(0.5, 2, 2),
    takeProfitPct: DECIMAL(0.1, 10, 2),
  })
  .map((raw) => dcaSettingsSchema.safeParse(raw))
  .filter((r) => r.success)
  .map((r) => r.data!);

const BTC = findPaperMarket("BTC/USDT")!;

describe("DCA ladder properties", () => {
  it("levels move strictly away from the start, sit on the tick and step, meet the minimum, and the funds are their sum", () => {
    fc.assert(
      fc.property(arbitrarySettings, DECIMAL(1000, 120000, 2), (s, start) => {
        const { levels, funds } = dcaLadder(s, BTC, start);
        const prices = levels.map((l) => new Decimal(l.price));
        for (let i = 1; i < prices.length; i++) expect(s.direction === "long" ? prices[i]!.lt(prices[i - 1]!) : prices[i]!.gt(prices[i - 1]!)).toBe(true);
        for (const l of levels.filter((x) => x.type === "limit")) expect(new Decimal(l.price).mod(BTC.priceStep).isZero()).toBe(true);
        for (const l of levels) {
          expect(new Decimal(l.amount).mod(BTC.amountStep).isZero()).toBe(true);
          expect(new Decimal(l.cost).gte(BTC.minCost!)).toBe(true);
          expect(l.cost).toBe(new Decimal(l.price).mul(l.amount).toFixed());
        }
        expect(funds).toBe(levels.reduce((sum, l) => sum.plus(l.cost), new Decimal(0)).toFixed());
      }),
      { numRuns: 300 },
    );
  });

  it("the average after k fills lies within the filled prices, and the take-profit is the first tick at or beyond its target", () => {
    fc.assert(
      fc.property(arbitrarySettings, DECIMAL(1000, 120000, 2), fc.nat(), (s, start, pick) => {
        const { levels } = dcaLadder(s, BTC, start);
        if (levels.length === 0) return;
        const filled = levels.slice(0, 1 + (pick % levels.length));
        const average = new Decimal(averageEntry(filled)!);
        const prices = filled.map((l) => new Decimal(l.price));
        expect(average.gte(Decimal.min(...prices)) && average.lte(Decimal.max(...prices))).toBe(true);
        const tp = new Decimal(takeProfitPrice(average.toFixed(), s.takeProfitPct, s.direction, BTC.priceStep));
        const target = average.mul(new Decimal(1).plus(new Decimal(s.takeProfitPct).div(100).mul(s.direction === "long" ? 1 : -1)));
        const beyond = s.direction === "long" ? tp.gte(target) : tp.lte(target);
        expect(beyond && tp.minus(target).abs().lt(BTC.priceStep)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
