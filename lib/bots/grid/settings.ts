import Decimal from "decimal.js";
import { z } from "zod";
import { decimalSetting, integerSetting } from "../settings-fields";

const price = (label: string) => decimalSetting(label, { min: "0", max: "1000000000", above: true });

/** A grid bot: limit orders at levels between a lower and an upper price, each fill answered one level away. */
export const gridSettingsSchema = z
  .strictObject({
    lower: price("The lower price"),
    upper: price("The upper price"),
    levels: integerSetting("The number of grid levels", 2, 200),
    spacing: z.enum(["arithmetic", "geometric"], "Spacing must be arithmetic (equal steps) or geometric (equal percentages).").default("arithmetic"),
    investment: decimalSetting("The investment (in the quote asset)", { min: "0", max: "1000000000", above: true }),
    stopOutsideRange: z.boolean("Stop outside the range must be on or off.").default(false),
    trailingUp: z.boolean("Trailing up must be on or off.").default(false),
  })
  .superRefine((s, ctx) => {
    if (new Decimal(s.upper).lte(s.lower)) ctx.addIssue({ code: "custom", path: ["upper"], message: "The upper price must be above the lower price." });
  });

export type GridSettings = z.output<typeof gridSettingsSchema>;
