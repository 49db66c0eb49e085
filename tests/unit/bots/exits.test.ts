import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { takeProfitsSchema, trailingStopSchema } from "@/lib/bots/exits/settings";
import { planTakeProfits, startTakeProfits, takeProfitFilled } from "@/lib/bots/exits/take-profits";
import { startTrailing, stepTrailing, type TrailingState } from "@/lib/bots/exits/trailing-stop";
import { findPaperMarket } from "@/lib/exchanges/paper-markets";
import { handMarket } from "./fixtures";

const thirtyThirtyForty = takeProfitsSchema.parse({
  levels: [{ pct: "1", sharePct: "30" }, { pct: "2", sharePct: "30" }, { pct: "3", sharePct: "40" }],
  breakEvenAfterFirst: true,
});

describe("several take-profits", () => {
  it("close 30/30/40 % of the position, the last taking the remainder, and move the stop to break-even after the first", () => {
    const position = { entry: "100", amount: "1.001", direction: "long" as const };
    const { levels, refusals } = planTakeProfits(thirtyThirtyForty, position, handMarket({ minCost: "1" }));
    // 30 % of 1.001 = 0.3003 -> 0.3 at the step; the last closes 1.001 - 0.6 = 0.401.
    expect(levels).toEqual([
      { index: 0, price: "101", amount: "0.3" },
      { index: 1, price: "102", amount: "0.3" },
      { index: 2, price: "103", amount: "0.401" },
    ]);
    expect(refusals).toEqual([]);
    const ctx = { settings: thirtyThirtyForty, entry: position.entry, direction: position.direction, priceStep: "0.01" };
    let state = startTakeProfits(position, "95");
    state = takeProfitFilled(state, levels[0]!, ctx);
    expect(state).toEqual({ remaining: "0.701", filled: [0], stop: "100", closed: false });
    // The same fill reported twice changes nothing.
    expect(takeProfitFilled(state, levels[0]!, ctx)).toBe(state);
    state = takeProfitFilled(state, levels[1]!, ctx);
    expect(state).toEqual({ remaining: "0.401", filled: [0, 1], stop: "100", closed: false });
    state = takeProfitFilled(state, levels[2]!, ctx);
    expect(state).toEqual({ remaining: "0", filled: [0, 1, 2], stop: "100", closed: true });
  });

  it("leave the stop alone without break-even, and refuse a share below the minimum by name", () => {
    const keep = { ...thirtyThirtyForty, breakEvenAfterFirst: false };
    const { levels, refusals } = planTakeProfits(keep, { entry: "100", amount: "0.2", direction: "long" }, handMarket());
    // 30 % of 0.2 = 0.06 at 101 is 6.06, under the minimum of 10; 40 % = 0.08 at 103 is 8.24.
    expect(refusals.map((r) => r.message)).toEqual([
      "Take-profit 1 at 101 cannot be placed: its value is below the market's minimum order of 10.",
      "Take-profit 2 at 102 cannot be placed: its value is below the market's minimum order of 10.",
      "Take-profit 3 at 103 cannot be placed: its value is below the market's minimum order of 10.",
    ]);
    expect(levels).toEqual([]);
    const state = takeProfitFilled(startTakeProfits({ amount: "1" }, "95"), { index: 0, price: "101", amount: "0.3" }, { settings: keep, entry: "100", direction: "long", priceStep: "0.01" });
    expect(state.stop).toBe("95");
  });

  it("are checked: 1 to 5 levels, shares adding up to 100 %, each further than the one before", () => {
    const parse = (levels: { pct: string; sharePct: string }[]) => takeProfitsSchema.safeParse({ levels });
    expect(parse([{ pct: "1", sharePct: "50" }, { pct: "2", sharePct: "40" }]).error?.issues[0]?.message).toBe("The take-profit shares must add up to 100 % (they add up to 90 %).");
    expect(parse([{ pct: "2", sharePct: "50" }, { pct: "1", sharePct: "50" }]).error?.issues[0]?.message).toBe("Take-profit 2 must be further than take-profit 1.");
    expect(parse(Array.from({ length: 6 }, (_, i) => ({ pct: String(i + 1), sharePct: "20" }))).error?.issues[0]?.message).toBe("At most 5 take-profit levels.");
    expect(parse([]).error?.issues[0]?.message).toBe("Add at least one take-profit level.");
  });

  it("amounts add up exactly to any position, on the step (property)", () => {
    const BTC = findPaperMarket("BTC/USDT")!;
    const shares = fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }).map((cuts) => {
      const total = cuts.reduce((a, b) => a + b, 0);
      const pct = cuts.map((c) => new Decimal(c).mul(100).div(total).toDecimalPlaces(2, Decimal.ROUND_DOWN));
      pct[pct.length - 1] = new Decimal(100).minus(pct.slice(0, -1).reduce((a, b) => a.plus(b), new Decimal(0)));
      return pct.map((p, i) => ({ pct: String(i + 1), sharePct: p.toFixed() }));
    });
    fc.assert(
      fc.property(shares, fc.integer({ min: 1, max: 10_000_000 }), (levels, units) => {
        const parsed = takeProfitsSchema.safeParse({ levels });
        if (!parsed.success) return;
        const amount = new Decimal(units).mul(BTC.amountStep).toFixed();
        const planned = planTakeProfits(parsed.data, { entry: "60000", amount, direction: "long" }, { ...BTC, minCost: null, minAmount: null });
        const all = [...planned.levels.map((l) => l.amount), ...planned.refusals.map(() => "0")];
        if (planned.refusals.length === 0) expect(all.reduce((s, a) => s.plus(a), new Decimal(0)).toFixed()).toBe(amount);
        for (const l of planned.levels) expect(new Decimal(l.amount).mod(BTC.amountStep).isZero()).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("a trailing stop", () => {
  const settings = trailingStopSchema.parse({ activation: { by: "percent", pct: "2" }, callbackPct: "1" });

  it("waits for the activation, follows the high and fires once", () => {
    let state: TrailingState = startTrailing(settings, "100", "long");
    expect(state).toEqual({ phase: "waiting", activation: "102" });
    const fired: string[] = [];
    const seen: TrailingState[] = [];
    for (const price of ["100", "101", "102", "105", "104", "103.95", "103", "110"]) {
      const step = stepTrailing(state, price, settings, "long");
      state = step.state;
      seen.push(state);
      if (step.fired) fired.push(price);
    }
    expect(seen.slice(0, 6)).toEqual([
      { phase: "waiting", activation: "102" },
      { phase: "waiting", activation: "102" },
      { phase: "active", watermark: "102", stop: "100.98" },
      { phase: "active", watermark: "105", stop: "103.95" },
      { phase: "active", watermark: "105", stop: "103.95" },
      { phase: "triggered", stop: "103.95", price: "103.95" },
    ]);
    expect(fired).toEqual(["103.95"]);
    expect(state).toEqual({ phase: "triggered", stop: "103.95", price: "103.95" });
  });

  it("mirrors for a short, with an activation price", () => {
    const short = trailingStopSchema.parse({ activation: { by: "price", price: "95" }, callbackPct: "2" });
    let state = startTrailing(short, "100", "short");
    const fired: string[] = [];
    for (const price of ["97", "95", "90", "91", "91.8", "80"]) {
      const step = stepTrailing(state, price, short, "short");
      state = step.state;
      if (step.fired) fired.push(price);
    }
    // Low 90, stop 91.8: 91 stays under it, 91.8 fires.
    expect(fired).toEqual(["91.8"]);
  });

  it("never fires twice and never lowers a long's stop (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 5000, max: 15000 }), { maxLength: 200 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 5000 }), (path, activationBp, callbackBp) => {
        const s = trailingStopSchema.parse({ activation: { by: "percent", pct: new Decimal(activationBp).div(100).toFixed() }, callbackPct: new Decimal(callbackBp).div(100).toFixed() });
        let state = startTrailing(s, "10000", "long");
        let fires = 0;
        let lastStop: Decimal | null = null;
        for (const p of path) {
          const step = stepTrailing(state, String(p), s, "long");
          if (step.fired) fires += 1;
          state = step.state;
          if (state.phase === "active") {
            if (lastStop) expect(new Decimal(state.stop).gte(lastStop)).toBe(true);
            lastStop = new Decimal(state.stop);
            expect(new Decimal(state.stop).lt(state.watermark)).toBe(true);
          }
        }
        expect(fires).toBeLessThanOrEqual(1);
        expect(fires === 1).toBe(state.phase === "triggered");
      }),
      { numRuns: 300 },
    );
  });
});
