import Decimal from "decimal.js";
import { z } from "zod";
import { decimalSetting } from "../settings-fields";

/** Up to five take-profit levels, each closing a share of the position; the shares make 100 %. */
export const takeProfitsSchema = z
  .strictObject({
    levels: z
      .array(
        z.strictObject({
          pct: decimalSetting("A take-profit's distance (%)", { min: "0", max: "1000", above: true }),
          sharePct: decimalSetting("A take-profit's share of the position (%)", { min: "0", max: "100", above: true }),
        }),
        "Take-profit levels are required.",
      )
      .min(1, "Add at least one take-profit level.")
      .max(5, "At most 5 take-profit levels."),
    breakEvenAfterFirst: z.boolean("Break-even after the first take-profit must be on or off.").default(false),
  })
  .superRefine((s, ctx) => {
    const total = s.levels.reduce((sum, l) => sum.plus(l.sharePct), new Decimal(0));
    if (!total.eq(100)) ctx.addIssue({ code: "custom", path: ["levels"], message: `The take-profit shares must add up to 100 % (they add up to ${total.toFixed()} %).` });
    s.levels.forEach((l, i) => {
      if (i > 0 && new Decimal(l.pct).lte(s.levels[i - 1]!.pct)) ctx.addIssue({ code: "custom", path: ["levels", i, "pct"], message: `Take-profit ${i + 1} must be further than take-profit ${i}.` });
    });
  });

export type TakeProfitsSettings = z.output<typeof takeProfitsSchema>;

/** A trailing stop: armed once the price reaches the activation, then following the best price at the callback. */
export const trailingStopSchema = z.strictObject({
  activation: z.discriminatedUnion(
    "by",
    [
      z.strictObject({ by: z.literal("price"), price: decimalSetting("The activation price", { min: "0", max: "1000000000", above: true }) }),
      z.strictObject({ by: z.literal("percent"), pct: decimalSetting("The activation (%)", { min: "0", max: "1000" }) }),
    ],
    "The activation is a price or a percentage from the entry.",
  ),
  callbackPct: decimalSetting("The callback (%)", { min: "0.01", max: "50" }),
});

export type TrailingStopSettings = z.output<typeof trailingStopSchema>;
