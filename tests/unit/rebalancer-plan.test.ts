import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maxDrift, planRebalance, targetsProblem, type PlanInput, type PlanMarket } from "@/lib/rebalancer/plan";

const market = (symbol: string, amountStep: string, minCost = "5"): PlanMarket => ({ symbol, amountStep, minAmount: amountStep, minCost });
const MARKETS = { BTC: market("BTC/USDT", "0.00001"), ETH: market("ETH/USDT", "0.0001") };

describe("planRebalance on a hand-worked portfolio", () => {
  it("sells the overweight asset first, then buys the underweight one, within the market's step", () => {
    // 0.1 BTC at 60000 = 6000, 1 ETH at 3000 = 3000, 1000 USDT: total 10000. Targets 40/40/20.
    const plan = planRebalance({
      quote: "USDT",
      targets: [{ asset: "BTC", weight: "40" }, { asset: "ETH", weight: "40" }, { asset: "USDT", weight: "20" }],
      holdings: { BTC: "0.1", ETH: "1", USDT: "1000" },
      prices: { BTC: "60000", ETH: "3000" },
      markets: MARKETS,
      minTradeQuote: "10",
    });
    expect(plan.valuation.total).toBe("10000");
    expect(plan.valuation.holdings.map((h) => [h.asset, h.weight])).toEqual([["BTC", "60"], ["ETH", "30"], ["USDT", "10"]]);
    // BTC: 6000 -> 4000: sell 2000/60000 = 0.0333.. floored to 0.03333.
    // ETH: 3000 -> 4000: buy 1000/3000 = 0.3333 (budget 1000 + 1999.8 * 0.999 covers it).
    expect(plan.trades).toEqual([
      { leg: 0, symbol: "BTC/USDT", asset: "BTC", side: "sell", amount: "0.03333", value: "1999.8", price: "60000" },
      { leg: 1, symbol: "ETH/USDT", asset: "ETH", side: "buy", amount: "0.3333", value: "999.9", price: "3000" },
    ]);
    expect(maxDrift(plan.valuation)).toBe("20");
  });

  it("keeps a trade below the minimum in the plan with its reason", () => {
    const plan = planRebalance({
      quote: "USDT",
      targets: [{ asset: "BTC", weight: "50" }, { asset: "ETH", weight: "49.9" }, { asset: "USDT", weight: "0.1" }],
      holdings: { BTC: "0.1", ETH: "2", USDT: "6" },
      prices: { BTC: "60000", ETH: "3000" },
      markets: MARKETS,
      minTradeQuote: "20",
    });
    // Total 12006: BTC 6003 (+3 -> below the market's 5 notional), ETH 5990.99 (-9.01 -> below the user's 20).
    expect(plan.trades.map((t) => [t.asset, t.side, t.skip])).toEqual([["ETH", "sell", "below_min_trade"], ["BTC", "buy", "below_min_notional"]]);
  });

  it("names a target asset without a market and does nothing without value", () => {
    const plan = planRebalance({ quote: "USDT", targets: [{ asset: "XYZ", weight: "50" }, { asset: "USDT", weight: "50" }], holdings: { USDT: "100" }, prices: {}, markets: {}, minTradeQuote: "1" });
    expect(plan.trades).toMatchObject([{ asset: "XYZ", skip: "no_market" }]);
    expect(planRebalance({ quote: "USDT", targets: [{ asset: "USDT", weight: "100" }], holdings: {}, prices: {}, markets: {}, minTradeQuote: "1" }).trades).toEqual([]);
  });

  it("checks targets: exact sum of 100, the quote included, no duplicates", () => {
    expect(targetsProblem([{ asset: "BTC", weight: "33.3" }, { asset: "USDT", weight: "66.7" }], "USDT")).toBeNull();
    expect(targetsProblem([{ asset: "BTC", weight: "33.3" }, { asset: "USDT", weight: "66.6" }], "USDT")).toBe("sum");
    expect(targetsProblem([{ asset: "BTC", weight: "100" }], "USDT")).toBe("quote_missing");
    expect(targetsProblem([{ asset: "USDT", weight: "50" }, { asset: "USDT", weight: "50" }], "USDT")).toBe("duplicate");
  });
});

const FEE = new Decimal("0.001");
const ASSETS = ["BTC", "ETH", "SOL"] as const;
const STEPS: Record<string, string> = { BTC: "0.00001", ETH: "0.0001", SOL: "0.001" };

const decimalString = (min: number, max: number, places: number) =>
  fc.integer({ min: Math.round(min * 10 ** places), max: Math.round(max * 10 ** places) }).map((n) => new Decimal(n).div(10 ** places).toFixed());

/** Three assets plus the quote: weights in whole tenths summing to 1000 tenths. */
const portfolio = fc
  .record({
    cuts: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 3, maxLength: 3 }),
    holdings: fc.record({ BTC: decimalString(0, 2, 5), ETH: decimalString(0, 40, 4), SOL: decimalString(0, 800, 3), USDT: decimalString(0, 100_000, 2) }),
    prices: fc.record({ BTC: decimalString(20_000, 120_000, 2), ETH: decimalString(1_000, 6_000, 2), SOL: decimalString(20, 400, 2) }),
    minTradeQuote: decimalString(0, 50, 2),
  })
  .map(({ cuts, ...rest }) => {
    const points = [...cuts].sort((a, b) => a - b);
    const tenths = [points[0]!, points[1]! - points[0]!, points[2]! - points[1]!, 1000 - points[2]!];
    const targets = [...ASSETS, "USDT"].map((asset, i) => ({ asset, weight: new Decimal(tenths[i]!).div(10).toFixed() }));
    return { ...rest, targets };
  });

describe("planRebalance properties", () => {
  it("never oversells, never overspends, and lands within tolerance of the targets", () => {
    fc.assert(
      fc.property(portfolio, ({ targets, holdings, prices, minTradeQuote }) => {
        const input: PlanInput = {
          quote: "USDT",
          targets,
          holdings,
          prices,
          markets: Object.fromEntries(ASSETS.map((a) => [a, market(`${a}/USDT`, STEPS[a]!)])),
          minTradeQuote,
          feeRate: FEE.toFixed(),
        };
        const { valuation, trades } = planRebalance(input);
        const total = new Decimal(valuation.total);
        const after: Record<string, Decimal> = Object.fromEntries(Object.entries(holdings).map(([a, v]) => [a, new Decimal(v)]));
        const placed = trades.filter((t) => !t.skip);
        // Sells come before buys.
        const firstBuy = placed.findIndex((t) => t.side === "buy");
        expect(placed.slice(Math.max(firstBuy, 0)).every((t) => firstBuy < 0 || t.side === "buy")).toBe(true);
        for (const t of placed) {
          const amount = new Decimal(t.amount);
          expect(amount.gt(0)).toBe(true);
          expect(amount.mod(STEPS[t.asset]!).isZero()).toBe(true);
          const cost = amount.mul(prices[t.asset as keyof typeof prices]);
          if (t.side === "sell") {
            expect(amount.lte(holdings[t.asset as keyof typeof holdings])).toBe(true);
            after[t.asset] = after[t.asset]!.sub(amount);
            after.USDT = after.USDT!.add(cost.mul(new Decimal(1).sub(FEE)));
          } else {
            after[t.asset] = after[t.asset]!.add(amount);
            after.USDT = after.USDT!.sub(cost.mul(FEE.add(1)));
          }
          // Never spends quote it does not have at that point (sells first).
          expect(after.USDT!.gte(0)).toBe(true);
        }
        if (total.lt(1000)) return;
        // Every trade left out misses by at most one minimum trade; floors by one step; fees by their rate.
        const minimum = Decimal.max(minTradeQuote, 5);
        const slack = (asset: string) =>
          minimum
            .mul(ASSETS.length + 1)
            .add(new Decimal(STEPS[asset] ?? 0).mul(prices[asset as keyof typeof prices] ?? 0))
            .div(total)
            .mul(100)
            .add(FEE.mul(100).mul(3));
        const totalAfter = Object.entries(after).reduce((s, [a, v]) => s.add(v.mul(a === "USDT" ? 1 : prices[a as keyof typeof prices])), new Decimal(0));
        for (const t of targets) {
          const value = after[t.asset]!.mul(t.asset === "USDT" ? 1 : prices[t.asset as keyof typeof prices]);
          const weight = value.div(totalAfter).mul(100);
          expect(weight.sub(t.weight).abs().toNumber()).toBeLessThanOrEqual(slack(t.asset).toNumber() + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("the settings form", () => {
  const form = { accountId: "6f1c5a8e-9d1e-4d7a-8a77-3f6a2a4b9c10", quote: "usdt", targets: "btc=40; ETH=40,5;USDT=19.5", intervalHours: "4", driftPct: "", minTradeQuote: "10" };
  it("reads rows, exact weights and optional rules", async () => {
    const { rebalancerFormSchema } = await import("@/lib/rebalancer/validation");
    const parsed = rebalancerFormSchema.safeParse({ ...form, enabled: "on" });
    expect(parsed.success && parsed.data).toEqual({
      accountId: form.accountId,
      quote: "USDT",
      targets: [{ asset: "BTC", weight: "40" }, { asset: "ETH", weight: "40.5" }, { asset: "USDT", weight: "19.5" }],
      intervalHours: 4,
      driftPct: null,
      minTradeQuote: "10",
      dryRun: false,
      enabled: true,
    });
  });
  it("refuses a sum other than 100, a negative minimum, and an enabled rebalancer with no rule", async () => {
    const { rebalancerFormSchema } = await import("@/lib/rebalancer/validation");
    const issues = (input: Record<string, string>) => {
      const r = rebalancerFormSchema.safeParse({ ...form, ...input });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}:${i.message}`);
    };
    expect(issues({ targets: "BTC=40;USDT=59.99" })).toEqual(["targets:sum"]);
    expect(issues({ minTradeQuote: "-1" })).toEqual(["minTradeQuote:minTrade"]);
    expect(issues({ intervalHours: "", enabled: "on" })).toEqual(["intervalHours:rule"]);
    expect(issues({ targets: "BTC=100" })).toContain("targets:targets");
  });
});
