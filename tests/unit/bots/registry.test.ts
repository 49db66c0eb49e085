import { describe, expect, it } from "vitest";
import { BOT_KINDS } from "@/db/schema/signals";
import { botKind, parseBot } from "@/lib/bots";
import { handMarket } from "./fixtures";

describe("the bot kind registry", () => {
  it("has every kind the strategies table knows, each under its own name", () => {
    for (const kind of BOT_KINDS) expect(botKind(kind).kind).toBe(kind);
  });

  it("parses a kind's settings with its own schema and binds its plan and figures", () => {
    const dca = parseBot("dca", { baseOrder: "100", safetyOrder: "100", maxSafetyOrders: 3, deviationPct: "2", stepScale: "2", volumeScale: "2", takeProfitPct: "1.5", stopLoss: { pct: "5", from: "last_safety" } });
    if (!dca.ok) throw dca.error;
    const ctx = { market: handMarket(), price: "100", feeRate: "0.001" };
    expect(dca.bot.plan(ctx).fundsNeeded).toBe("799.884");
    expect(dca.bot.figures(ctx)).toEqual({
      fundsNeeded: "799.884",
      fundsWithFees: "800.683884",
      lastSafetyPrice: "86",
      takeProfitAfterBase: "101.5",
      averageAllFilled: "90.916571948170038645",
      takeProfitAllFilled: "92.29",
      stopLossAllFilled: "81.7",
    });
    const grid = parseBot("grid", { lower: "90", upper: "110", levels: 5, investment: "1000" });
    if (!grid.ok) throw grid.error;
    expect(grid.bot.figures({ ...ctx, feeRate: "0" })).toEqual({ fundsNeeded: "999.845", amountPerLevel: "2.597", profitPerCycleMin: "12.985", profitPerCycleMax: "12.985" });
  });

  it("refuses another kind's settings, unknown fields and settings on a signal strategy", () => {
    expect(parseBot("grid", { baseOrder: "100" }).ok).toBe(false);
    const extra = parseBot("grid", { lower: "90", upper: "110", levels: 5, investment: "1000", leverage: 5 });
    expect(extra.ok === false && extra.error.issues[0]?.code).toBe("unrecognized_keys");
    expect(parseBot("signal", { anything: 1 }).ok).toBe(false);
    const signal = parseBot("signal", null);
    expect(signal.ok && signal.bot.plan({ market: handMarket(), price: "1" })).toEqual({ orders: [], refusals: [], fundsNeeded: "0" });
  });
});
