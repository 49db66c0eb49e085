import type { KindDefinition } from "../kind";
import { cycleProfitRange } from "./cycle";
import { gridPlan } from "./levels";
import { gridRunner } from "./runner";
import { gridSettingsSchema, type GridSettings } from "./settings";

export const gridKind: KindDefinition<GridSettings> = {
  kind: "grid",
  schema: gridSettingsSchema,
  plan(settings, ctx) {
    const plan = gridPlan(settings, ctx.market, ctx.price);
    return { orders: plan.orders, refusals: plan.refusals, fundsNeeded: plan.funds };
  },
  figures(settings, ctx) {
    const plan = gridPlan(settings, ctx.market, ctx.price);
    const range = cycleProfitRange(plan.prices, plan.amount, ctx.feeRate ?? "0");
    return { fundsNeeded: plan.funds, amountPerLevel: plan.amount, profitPerCycleMin: range?.min ?? null, profitPerCycleMax: range?.max ?? null };
  },
  runner: gridRunner,
};
