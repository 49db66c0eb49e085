import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cycleProfit } from "@/lib/bots/grid/cycle";
import { gridRunner } from "@/lib/bots/grid/runner";
import { gridSettingsSchema } from "@/lib/bots/grid/settings";
import { previewBot, simulate } from "@/lib/bots/preview";
import type { BotRunner } from "@/lib/bots/runner";
import type { Candle } from "@/lib/exchanges/types";
import { handMarket } from "./fixtures";

const HOUR = 3_600_000;
const candles = (rows: [string, string, string, string][]): Candle[] => rows.map(([open, high, low, close], i) => ({ time: i * HOUR, open, high, low, close, volume: "1" }));

const DCA = { baseOrder: "100", safetyOrder: "100", maxSafetyOrders: 3, deviationPct: "2", stepScale: "2", volumeScale: "2", takeProfitPct: "1.5" };

describe("the preview of a DCA bot", () => {
  it("fills three safety orders on the way down and closes at the take-profit from the average", () => {
    const path = candles([
      ["100", "100", "97.5", "98"], // base at 100, safety 1 at 98
      ["98", "98", "93", "94"], // safety 2 at 94 (the take-profit at 100.48 was never reached)
      ["94", "94", "85", "86"], // safety 3 at 86 (the take-profit at 97.88 was not either)
      ["86", "93", "86", "92"], // rising: the take-profit at 92.29 fills on the way to 93
    ]);
    const preview = previewBot({ kind: "dca", settings: DCA, market: handMarket(), candles: path, feeRate: "0.001" });
    expect(preview.ok).toBe(true);
    const result = preview.ok ? preview.result : null;
    // Bought 8.798 for 799.884 (average 90.9165719481..); take-profit ceil(average * 1.015) = 92.29.
    // Sold 8.798 * 92.29 = 811.96742; fees 0.1 % of 799.884 + 811.96742 = 1.61185142.
    expect(result?.deals).toEqual([
      { id: "dca-1", openedAt: 0, closedAt: 3 * HOUR, fills: 5, bought: "799.884", boughtAmount: "8.798", sold: "811.96742", soldAmount: "8.798", averageBuy: "90.916571948170038645", fees: "1.61185142", pnl: "10.47156858" },
    ]);
    expect(result?.realizedPnl).toBe("10.47156858");
    // The low of 85 with everything bought: -(799.884 + 0.799884) + 8.798 * 85 = -52.853884 from the peak of 0.
    expect(result?.maxDrawdown).toBe("52.853884");
    // The full ladder and its fees.
    expect(result?.fundsUsed).toBe("800.683884");
    expect(result?.position).toBe("0");
    expect(result?.cash).toBe("10.47156858");
  });

  it("closes at the stop-loss below the last safety order, and restarts after the cooldown", () => {
    const settings = { ...DCA, maxSafetyOrders: 1, stopLoss: { pct: "5", from: "last_safety" }, restart: true, cooldownMinutes: 90 };
    const path = candles([
      ["100", "100", "97", "97"], // base 100, safety 1 at 98; stop at 98 * 0.95 = 93.1
      ["97", "97", "93", "93"], // the stop fires at 93.1
      ["93", "93", "93", "93"], // within the 90 minutes' cooldown: no new deal
      ["93", "94", "93", "94"], // a new deal at 93: 100 / 93 -> 1.075 for 99.975; its take-profit at 94.40 not reached
    ]);
    const preview = previewBot({ kind: "dca", settings, market: handMarket(), candles: path, feeRate: "0" });
    const result = preview.ok ? preview.result : null;
    // Bought 1 at 100 and 100/98 -> 1.02 at 98 (99.96); sold 2.02 at 93.1 = 188.062.
    expect(result?.deals.map((d) => [d.id, d.closedAt, d.bought, d.sold, d.pnl])).toEqual([
      ["dca-1", HOUR, "199.96", "188.062", "-11.898"],
      ["dca-2", null, "99.975", "0", null],
    ]);
    expect(result?.realizedPnl).toBe("-11.898");
  });

  it("fills a resting limit the price gapped through at its own price, and a stop at the price after the gap", () => {
    const settings = { ...DCA, maxSafetyOrders: 1, stopLoss: { pct: "5", from: "last_safety" } };
    const path = candles([
      ["100", "100", "99", "99"],
      ["80", "81", "79", "81"], // opens at 80: the safety order at 98 fills at 98, the stop at 93.1 at 80
    ]);
    const preview = previewBot({ kind: "dca", settings, market: handMarket(), candles: path, feeRate: "0" });
    const deal = preview.ok ? preview.result.deals[0] : null;
    // 2.02 bought for 199.96, sold at 80: 161.6.
    expect([deal?.bought, deal?.sold, deal?.pnl]).toEqual(["199.96", "161.6", "-38.36"]);
  });

  it("refuses settings that do not parse, and a signal strategy", () => {
    expect(previewBot({ kind: "dca", settings: { ...DCA, maxSafetyOrders: 99 }, market: handMarket(), candles: [], feeRate: "0" })).toMatchObject({ ok: false, reason: "invalid_settings" });
    expect(previewBot({ kind: "signal", settings: null, market: handMarket(), candles: [], feeRate: "0" })).toMatchObject({ ok: false, reason: "not_previewable" });
    // A first safety order of 9.5 is under the market's minimum of 10 at the first candle's price.
    const refused = previewBot({ kind: "dca", settings: { ...DCA, safetyOrder: "9.5" }, market: handMarket(), candles: candles([["100", "100", "90", "90"]]), feeRate: "0" });
    expect(refused).toMatchObject({ ok: false, reason: "refused", message: "Safety order 1 at 98 cannot be placed: its value is below the market's minimum order of 10." });
  });
});

const GRID = { lower: "90", upper: "110", levels: 5, investment: "1000" };

describe("the preview of a grid bot", () => {
  it("completes a cycle bought first and a cycle sold first", () => {
    const path = candles([
      ["100", "100", "94", "96"], // the buy at 95 fills: a sell rests at 100
      ["96", "101", "96", "101"], // the sell at 100 completes the cycle; a buy rests at 95 again
      ["101", "106", "101", "104"], // the sell at 105 fills: a buy rests at 100
      ["104", "104", "99", "99"], // the buy at 100 completes the second cycle; a sell rests at 105
    ]);
    const preview = previewBot({ kind: "grid", settings: GRID, market: handMarket(), candles: path, feeRate: "0.001" });
    const result = preview.ok ? preview.result : null;
    const closed = result?.deals.filter((d) => d.closedAt !== null);
    expect(closed?.map((d) => [d.averageBuy, d.sold, d.soldAmount, d.pnl])).toEqual([
      ["95", "259.7", "2.597", cycleProfit("95", "100", "2.597", "0.001")],
      ["100", "272.685", "2.597", cycleProfit("100", "105", "2.597", "0.001")],
    ]);
    // By hand: 12.985 - 0.506415 and 12.985 - 0.532385.
    expect(closed?.map((d) => d.pnl)).toEqual(["12.478585", "12.452615"]);
    expect(result?.realizedPnl).toBe("24.9312");
    // The inventory (5.194 at 100) and the buys at 90 and 95 from the start: 999.845, and the fees paid when the
    // buy at 95 filled: 0.5194 (the inventory's) + 0.246715. The sell at 100 then gave back more than it locks.
    expect(result?.fundsUsed).toBe("1000.611115");
    // No cycle is left open but the two the last fills opened have no fill yet, so they are not deals.
    expect(result?.deals).toHaveLength(2);
  });

  it("cancels the grid when the price opens outside the range, if asked", () => {
    const path = candles([
      ["100", "100", "100", "100"],
      ["80", "80", "70", "70"], // opens outside: the buys at 90 and 95 never fill
    ]);
    const stopping = previewBot({ kind: "grid", settings: { ...GRID, stopOutsideRange: true }, market: handMarket(), candles: path, feeRate: "0" });
    expect(stopping.ok && stopping.result.position).toBe("5.194");
    const staying = previewBot({ kind: "grid", settings: GRID, market: handMarket(), candles: path, feeRate: "0" });
    expect(staying.ok && staying.result.position).toBe(new Decimal("5.194").plus("2.597").plus("2.597").toFixed());
  });

  it("never rests two orders on a level, and keeps one order per level but one, along any path (property)", () => {
    const settings = gridSettingsSchema.parse({ lower: "90", upper: "110", levels: 9, investment: "5000" });
    // Each candle opens where the last closed or, one time in three, after a gap.
    const price = fc.integer({ min: 8000, max: 12000 }).map((n) => new Decimal(n).div(100));
    const candle = fc.tuple(price, price, fc.option(price, { freq: 2 }));
    fc.assert(
      fc.property(fc.array(candle, { minLength: 1, maxLength: 60 }), (moves) => {
        const inner = gridRunner(settings, handMarket());
        const resting = new Set<string>();
        const track = (a: ReturnType<BotRunner["onFill"]>) => {
          for (const k of a.cancel ?? []) resting.delete(k);
          for (const o of a.place ?? []) {
            if (o.type === "market") continue;
            expect(resting.has(o.key)).toBe(false);
            resting.add(o.key);
          }
          return a;
        };
        const spy: BotRunner = { onCandle: (t, p) => track(inner.onCandle(t, p)), onFill: (f) => (resting.delete(f.key), track(inner.onFill(f))) };
        let last = new Decimal(100);
        const path = moves.map(([a, b, gap], i): Candle => {
          const open = gap ?? last;
          last = b;
          return { time: i * HOUR, open: open.toFixed(), high: Decimal.max(open, a, b).toFixed(), low: Decimal.min(open, a, b).toFixed(), close: b.toFixed(), volume: "1" };
        });
        const result = simulate(spy, path, "0.001");
        expect(resting.size).toBe(8);
        // Every completed cycle earned its gap less fees: nothing is ever lost inside the range.
        for (const d of result.deals) if (d.pnl !== null) expect(new Decimal(d.pnl).gt(0)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
