import Decimal from "decimal.js";
import { z } from "zod";
import { decimalSetting, integerSetting } from "../settings-fields";

const money = (label: string) => decimalSetting(label, { min: "0", max: "1000000000", above: true });

/** A DCA bot: a base order, then up to N safety orders further from the start price, each larger. */
export const dcaSettingsSchema = z
  .strictObject({
    direction: z.enum(["long", "short"], "Direction must be long or short.").default("long"),
    baseOrder: money("The base order (in the quote asset)"),
    safetyOrder: money("The first safety order (in the quote asset)"),
    maxSafetyOrders: integerSetting("The number of safety orders", 0, 50),
    deviationPct: decimalSetting("The first safety order's deviation (%)", { min: "0", max: "50", above: true }),
    stepScale: decimalSetting("The step scale", { min: "0.1", max: "10" }),
    volumeScale: decimalSetting("The volume scale", { min: "0.1", max: "10" }),
    takeProfitPct: decimalSetting("The take-profit (%)", { min: "0", max: "1000", above: true }),
    stopLoss: z
      .strictObject({
        pct: decimalSetting("The stop-loss (%)", { min: "0", max: "99", above: true }),
        from: z.enum(["average", "last_safety"], "The stop-loss is measured from the average price or the last safety order."),
      })
      .nullable()
      .default(null),
    startOn: z.enum(["signal", "now"], "A deal starts on a signal or at once.").default("now"),
    restart: z.boolean("Restart must be on or off.").default(false),
    cooldownMinutes: integerSetting("The cooldown between deals (minutes)", 0, 10_080).default(0),
  })
  .superRefine((s, ctx) => {
    // A long's last safety order must stay above zero: its total deviation below 100 %.
    if (s.direction === "long" && s.maxSafetyOrders > 0 && totalDeviationPct(s, s.maxSafetyOrders).gte(100)) {
      ctx.addIssue({ code: "custom", path: ["stepScale"], message: "The safety orders would reach a price of zero: lower the deviation, the step scale or their number." });
    }
  });

export type DcaSettings = z.output<typeof dcaSettingsSchema>;

/** How far (%) from the start price safety order k (1-based) sits: d, d + d·s, d + d·s + d·s², ... */
export function totalDeviationPct(s: Pick<DcaSettings, "deviationPct" | "stepScale">, k: number): Decimal {
  let total = new Decimal(0);
  for (let i = 0; i < k; i++) total = total.plus(new Decimal(s.deviationPct).mul(new Decimal(s.stepScale).pow(i)));
  return total;
}
