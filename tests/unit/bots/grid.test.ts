import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cycleProfit, cycleProfitRange, oppositeOrder } from "@/lib/bots/grid/cycle";
import { emptyLevel, gridPlan, gridPrices } from "@/lib/bots/grid/levels";
import { gridSettingsSchema, type GridSettings } from "@/lib/bots/grid/settings";
import { findPaperMarket } from "@/lib/exchanges/paper-markets";
import { handMarket } from "./fixtures";

const settings = (over: Record<string, unknown> = {}): GridSettings => gridSettingsSchema.parse({ lower: "90", upper: "110", levels: 5, investment: "1000", ...over });

describe("grid planning on a hand-worked example", () => {
  it("spaces levels arithmetically or geometrically, rounded down to the tick", () => {
    expect(gridPrices(settings(), "0.01").prices).toEqual(["90", "95", "100", "105", "110"]);
    // 100 * 2^(i/3): 100, 125.992.., 158.740.., 200 -> floored to the cent.
    expect(gridPrices(settings({ lower: "100", upper: "200", levels: 4, spacing: "geometric" }), "0.01").prices).toEqual(["100", "125.99", "158.74", "200"]);
    // Levels closer than the tick: 100, 100.25 -> 100 at a tick of 1 is refused by name.
    const tight = gridPrices(settings({ lower: "100", upper: "101", levels: 5 }), "1");
    expect(tight.prices).toEqual(["100", "101"]);
    expect(tight.refusals.map((r) => [r.level, r.reason, r.price])).toEqual([[1, "price_not_apart", "100"], [2, "price_not_apart", "100"], [3, "price_not_apart", "100"]]);
  });

  it("buys below the price and sells above it, one level left empty, one amount the investment covers", () => {
    const plan = gridPlan(settings(), handMarket(), "100");
    // Level 100 is empty; 1000 / (90 + 95 + 2 * 100) = 2.5974.. -> 2.597; the sells' 5.194 bought now at 100.
    expect(plan.empty).toBe(2);
    expect(plan.amount).toBe("2.597");
    expect(plan.orders.map((o) => [o.level, o.role, o.side, o.type, o.price, o.amount, o.cost])).toEqual([
      [-1, "inventory", "buy", "market", "100", "5.194", "519.4"],
      [0, "grid_buy", "buy", "limit", "90", "2.597", "233.73"],
      [1, "grid_buy", "buy", "limit", "95", "2.597", "246.715"],
      [3, "grid_sell", "sell", "limit", "105", "2.597", "272.685"],
      [4, "grid_sell", "sell", "limit", "110", "2.597", "285.67"],
    ]);
    expect(plan.funds).toBe("999.845");
    expect(plan.refusals).toEqual([]);
  });

  it("refuses the levels whose order is below the market's minimum, by name", () => {
    // 42.35 / 385 = 0.11 each: 0.11 * 90 = 9.9 is under the minimum of 10; 0.11 * 95 = 10.45 is not.
    const plan = gridPlan(settings({ investment: "42.35" }), handMarket(), "100");
    expect(plan.refusals).toEqual([{ level: 0, reason: "cost_too_small", price: "90", min: "10", message: "Grid level 1 (buy) at 90 cannot be placed: its value is below the market's minimum order of 10." }]);
  });

  it("answers a fill one level away and counts a cycle's profit after fees", () => {
    const prices = ["90", "95", "100", "105", "110"];
    expect(oppositeOrder(prices, { level: 1, side: "buy" })).toEqual({ level: 2, side: "sell", price: "100" });
    expect(oppositeOrder(prices, { level: 3, side: "sell" })).toEqual({ level: 2, side: "buy", price: "100" });
    expect(oppositeOrder(prices, { level: 4, side: "buy" })).toBeNull();
    // 2.597 * 5 = 12.985 gross; fees 0.1 % of 246.715 + 259.7.
    expect(cycleProfit("95", "100", "2.597", "0.001")).toBe("12.478585");
    // Equal gaps, so the fees decide: the top pair (105 -> 110) pays the most, the bottom one (90 -> 95) the least.
    expect(cycleProfitRange(prices, "2.597", "0.001")).toEqual({ min: "12.426645", max: "12.504555" });
  });

  it("has strict settings with the upper price above the lower", () => {
    expect(gridSettingsSchema.safeParse({ lower: "110", upper: "90", levels: 5, investment: "1000" }).error?.issues[0]?.message).toBe("The upper price must be above the lower price.");
    expect(gridSettingsSchema.safeParse({ ...settings(), levels: 1 }).error?.issues[0]?.message).toBe("The number of grid levels must be a whole number from 2 to 200.");
    expect(gridSettingsSchema.safeParse({ ...settings(), bogus: true }).success).toBe(false);
  });
});

const DECIMAL = (min: number, max: number, places: number) =>
  fc.integer({ min: Math.round(min * 10 ** places), max: Math.round(max * 10 ** places) }).map((n) => new Decimal(n).div(10 ** places).toFixed());

const ETH = findPaperMarket("ETH/USDT")!;

const arbitraryGrid = fc
  .record({ lower: DECIMAL(500, 3000, 2), width: DECIMAL(1.01, 3, 2), levels: fc.integer({ min: 2, max: 60 }), spacing: fc.constantFrom("arithmetic", "geometric"), investment: DECIMAL(10, 100000, 2), at: fc.double({ min: -0.2, max: 1.2, noNaN: true }) })
  .map(({ lower, width, at, ...rest }) => {
    const upper = new Decimal(lower).mul(width).toDecimalPlaces(2).toFixed();
    const price = new Decimal(lower).plus(new Decimal(upper).minus(lower).mul(at.toFixed(4))).toDecimalPlaces(2).toFixed();
    return { settings: gridSettingsSchema.parse({ lower, upper, ...rest }), price };
  });

describe("grid planning properties", () => {
  it("levels rise strictly on the tick within the range; buys rest below the empty level and sells above; every order carries one amount; funds within the investment", () => {
    fc.assert(
      fc.property(arbitraryGrid, ({ settings: s, price }) => {
        const plan = gridPlan(s, ETH, price);
        plan.prices.forEach((p, i) => {
          expect(new Decimal(p).mod(ETH.priceStep).isZero()).toBe(true);
          expect(new Decimal(p).gte(s.lower) && new Decimal(p).lte(s.upper)).toBe(true);
          if (i > 0) expect(new Decimal(p).gt(plan.prices[i - 1]!)).toBe(true);
        });
        expect(emptyLevel(plan.prices, price)).toBe(plan.empty);
        const grid = plan.orders.filter((o) => o.role !== "inventory");
        for (const o of grid) {
          expect(o.side === "buy" ? o.level < plan.empty : o.level > plan.empty).toBe(true);
          expect(o.amount).toBe(plan.amount);
          expect(new Decimal(o.amount).mod(ETH.amountStep).isZero()).toBe(true);
          expect(new Decimal(o.cost).gte(ETH.minCost!)).toBe(true);
        }
        expect(new Set(grid.map((o) => o.level)).size).toBe(grid.length);
        expect(grid.length + plan.refusals.filter((r) => r.level >= 0).length).toBe(plan.prices.length - 1 + plan.refusals.filter((r) => r.reason === "price_not_apart").length);
        expect(new Decimal(plan.funds).lte(s.investment)).toBe(true);
        // The plan is refused as soon as one level is: a plan without refusals places every level but the empty one.
        if (plan.refusals.length === 0) expect(grid.length).toBe(plan.prices.length - 1);
      }),
      { numRuns: 200 },
    );
  });

  it("a cycle earns its level gap times the amount, less the fees on both fills", () => {
    fc.assert(
      fc.property(DECIMAL(1, 50000, 2), DECIMAL(0.01, 500, 2), DECIMAL(0.001, 10, 3), DECIMAL(0, 0.01, 4), (buy, gap, amount, fee) => {
        const sell = new Decimal(buy).plus(gap).toFixed();
        const profit = new Decimal(cycleProfit(buy, sell, amount, fee));
        expect(profit.plus(new Decimal(buy).plus(sell).mul(amount).mul(fee)).eq(new Decimal(gap).mul(amount))).toBe(true);
      }),
    );
  });
});
