import Decimal from "decimal.js";
import { z } from "zod";
import { targetsProblem } from "./plan";

const ASSET = /^[A-Z0-9]{2,12}$/;
const DECIMAL = /^\d{1,12}(\.\d{1,8})?$/;

const optionalNumber = (pattern: RegExp, message: string, min: string, max: string) =>
  z
    .string()
    .trim()
    .transform((v) => v.replace(",", "."))
    .refine((v) => v === "" || (pattern.test(v) && new Decimal(v).gte(min) && new Decimal(v).lte(max)), message)
    .transform((v) => (v === "" ? null : new Decimal(v).toFixed()));

/** "BTC=40;ETH=40;USDT=20" (what the form's rows serialize to) into target rows. */
function parseTargets(value: string) {
  return value
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [asset = "", weight = ""] = part.split("=");
      return { asset: asset.trim().toUpperCase(), weight: weight.trim().replace(",", ".") };
    });
}

/**
 * The settings form. Messages are keys under `rebalancer.errors`; the sum problem carries the sum.
 * Known assets (a market on the venue) are checked by the action, which can ask the exchange.
 */
export const rebalancerFormSchema = z
  .object({
    accountId: z.uuid(),
    quote: z.string().trim().toUpperCase().regex(ASSET, "asset"),
    targets: z
      .string()
      .max(2_000)
      .transform(parseTargets)
      .pipe(
        z
          .array(z.object({ asset: z.string().regex(ASSET, "asset"), weight: z.string().regex(DECIMAL, { message: "weight", abort: true }).refine((w) => new Decimal(w).lte(100), "weight") }))
          .min(2, "targets")
          .max(20, "targets"),
      )
      .transform((rows) => rows.map((r) => ({ asset: r.asset, weight: new Decimal(r.weight).toFixed() }))),
    intervalHours: optionalNumber(/^\d{1,3}$/, "interval", "1", "720").transform((v) => (v === null ? null : Number(v))),
    driftPct: optionalNumber(DECIMAL, "drift", "0.1", "100"),
    minTradeQuote: z.string().trim().transform((v) => v.replace(",", ".")).refine((v) => DECIMAL.test(v), "minTrade"),
    dryRun: z.literal("on").optional().transform(Boolean),
    enabled: z.literal("on").optional().transform(Boolean),
  })
  .superRefine((data, ctx) => {
    const problem = targetsProblem(data.targets, data.quote);
    if (problem) ctx.addIssue({ code: "custom", path: ["targets"], message: problem });
    if (data.enabled && data.intervalHours === null && data.driftPct === null) ctx.addIssue({ code: "custom", path: ["intervalHours"], message: "rule" });
  });

export type RebalancerForm = z.infer<typeof rebalancerFormSchema>;

export const weightSum = (targets: { weight: string }[]) =>
  targets.reduce((s, t) => s.add(DECIMAL.test(t.weight) ? t.weight : 0), new Decimal(0)).toFixed();
