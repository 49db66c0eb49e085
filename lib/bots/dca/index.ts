import Decimal from "decimal.js";
import type { KindDefinition } from "../kind";
import { averageEntry, stopLossPrice, takeProfitPrice } from "./deal";
import { dcaLadder } from "./ladder";
import { dcaRunner } from "./runner";
import { dcaSettingsSchema, type DcaSettings } from "./settings";

export const dcaKind: KindDefinition<DcaSettings> = {
  kind: "dca",
  schema: dcaSettingsSchema,
  plan(settings, ctx) {
    const ladder = dcaLadder(settings, ctx.market, ctx.price);
    return { orders: ladder.levels, refusals: ladder.refusals, fundsNeeded: ladder.funds };
  },
  /** The deal at the start price: its first take-profit, and the average, take-profit and stop once every level filled. */
  figures(settings, ctx) {
    const { levels, funds } = dcaLadder(settings, ctx.market, ctx.price);
    const base = levels.filter((l) => l.role === "base");
    const last = levels.at(-1);
    const averageAll = averageEntry(levels);
    const averageBase = averageEntry(base);
    const reference = settings.stopLoss?.from === "last_safety" && last?.role === "safety" ? last.price : averageAll;
    return {
      fundsNeeded: funds,
      fundsWithFees: new Decimal(funds).mul(new Decimal(1).plus(ctx.feeRate ?? 0)).toFixed(),
      lastSafetyPrice: last?.role === "safety" ? last.price : null,
      takeProfitAfterBase: averageBase ? takeProfitPrice(averageBase, settings.takeProfitPct, settings.direction, ctx.market.priceStep) : null,
      averageAllFilled: averageAll,
      takeProfitAllFilled: averageAll ? takeProfitPrice(averageAll, settings.takeProfitPct, settings.direction, ctx.market.priceStep) : null,
      stopLossAllFilled: settings.stopLoss && reference ? stopLossPrice(reference, settings.stopLoss.pct, settings.direction, ctx.market.priceStep) : null,
    };
  },
  runner: dcaRunner,
};
