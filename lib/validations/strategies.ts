import { z } from "zod";

const checkbox = z
  .enum(["on", "true", "false", ""])
  .optional()
  .transform((v) => v === "on" || v === "true");

const optionalDecimal = (message: string, max?: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || (/^\d{1,12}(\.\d{1,10})?$/.test(v) && Number(v) > 0 && (max === undefined || Number(v) <= max)), message);

export const strategySchema = z
  .object({
    name: z.string().trim().min(1, "strategyNameRequired").max(80, "strategyNameTooLong"),
    signalId: z.uuid("signalRequired"),
    accountId: z.uuid("accountInvalid"),
    symbol: z.string().trim().toUpperCase().regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/, "symbolInvalid"),
    followBuy: checkbox,
    followSell: checkbox,
    followClose: checkbox,
    followCancel: checkbox,
    sizingMode: z.enum(["quote", "base", "percent"], "sizingModeInvalid"),
    sizingValue: z.string().trim().regex(/^\d{1,12}(\.\d{1,10})?$/, "amountInvalid"),
    orderType: z.enum(["market", "limit"], "orderTypeInvalid"),
    limitOffsetPct: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || "0")
      .refine((v) => /^\d{1,2}(\.\d{1,4})?$/.test(v) && Number(v) <= 50, "offsetInvalid"),
    takeProfitPct: optionalDecimal("takeProfitInvalid", 1000),
    stopLossPct: optionalDecimal("stopLossInvalid", 99),
    maxOpenOrders: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? Number(v) : undefined))
      .refine((v) => v === undefined || (Number.isInteger(v) && v >= 1 && v <= 100), "maxOpenOrdersInvalid"),
    maxPosition: optionalDecimal("amountInvalid"),
    enabled: checkbox,
    // Perpetual accounts only (the action ignores them on spot accounts).
    leverage: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? Number(v) : 1))
      .refine((v) => Number.isInteger(v) && v >= 1 && v <= 125, "leverageInvalid"),
    marginMode: z
      .enum(["isolated", "cross", ""], "marginModeInvalid")
      .optional()
      .transform((v) => (v === "cross" ? "cross" : "isolated")),
    allowShorts: checkbox,
  })
  .superRefine((v, ctx) => {
    if (!v.followBuy && !v.followSell && !v.followClose && !v.followCancel) {
      ctx.addIssue({ code: "custom", path: ["followBuy"], message: "followRequired" });
    }
    if (Number(v.sizingValue) <= 0 || (v.sizingMode === "percent" && Number(v.sizingValue) > 100)) {
      ctx.addIssue({ code: "custom", path: ["sizingValue"], message: v.sizingMode === "percent" ? "percentInvalid" : "amountInvalid" });
    }
  });

export type StrategyInput = z.infer<typeof strategySchema>;

export const strategyIdSchema = z.object({ strategyId: z.uuid("strategyInvalid") });

// Turning a switch off: "pause" stops entries only (exits and protection go on); "stop" stops everything
// and cancels the open orders it covers.
const offMode = z.enum(["pause", "stop"], "modeInvalid").default("pause");

export const toggleStrategySchema = z.object({
  strategyId: z.uuid("strategyInvalid"),
  enabled: z.enum(["true", "false"]).transform((v) => v === "true"),
  mode: offMode,
});

export const symbolSwitchSchema = z.object({
  symbol: z.string().trim().regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/, "symbolInvalid"),
  enabled: z.enum(["true", "false"]).transform((v) => v === "true"),
  mode: offMode,
});

export const tradingSwitchSchema = z.object({
  enabled: z.enum(["true", "false"]).transform((v) => v === "true"),
  mode: offMode,
});

export const testSignalSchema = z.object({
  strategyId: z.uuid("strategyInvalid"),
  action: z.enum(["buy", "sell", "close", "cancel"], "sideInvalid"),
  price: optionalDecimal("priceInvalid"),
});
