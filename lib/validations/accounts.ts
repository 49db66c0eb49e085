import { z } from "zod";
import { exchangeInfo } from "@/lib/exchanges/catalog";

const checkbox = z
  .enum(["on", "true", "false", ""])
  .optional()
  .transform((v) => v === "on" || v === "true");

const DECIMAL = /^\d{1,15}(\.\d{1,12})?$/;
// 1e30 or 20 digits is a number, only too big for an order: say so rather than "enter a positive amount".
const tooLarge = (v: string) => /^(\d+(\.\d*)?(e\+?\d+)?)$/i.test(v) && Number(v) >= 1e15;

const decimalText = (message: string) =>
  z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      if (!DECIMAL.test(v)) ctx.addIssue({ code: "custom", message: tooLarge(v) ? "amountTooLarge" : message });
    });

const secretText = (message: string) =>
  z
    .string()
    .trim()
    .min(8, message)
    .max(512, message)
    .regex(/^\S+$/, message);

export const addAccountSchema = z
  .object({
    exchange: z.enum(["binance", "bybit", "okx", "bitget", "paper"], "exchangeInvalid"),
    label: z.string().trim().min(1, "labelRequired").max(60, "labelTooLong"),
    spot: checkbox,
    futures: checkbox,
    sandbox: checkbox,
    apiKey: z.string().optional(),
    apiSecret: z.string().optional(),
    passphrase: z.string().optional(),
    startingBalance: z.string().optional(),
    feePercent: z.string().optional(),
    slippageBps: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (v.exchange === "paper") {
      if (!decimalText("x").safeParse(v.startingBalance ?? "").success || Number(v.startingBalance) <= 0) {
        issue("startingBalance", tooLarge(v.startingBalance?.trim() ?? "") ? "amountTooLarge" : "amountInvalid");
      }
      if (!decimalText("x").safeParse(v.feePercent ?? "").success || Number(v.feePercent) >= 10) issue("feePercent", "feeInvalid");
      if (!decimalText("x").safeParse(v.slippageBps ?? "").success || Number(v.slippageBps) > 1000) issue("slippageBps", "slippageInvalid");
      return;
    }
    if (!v.spot && !v.futures) issue("spot", "marketTypeRequired");
    if (!secretText("x").safeParse(v.apiKey ?? "").success) issue("apiKey", "apiKeyInvalid");
    if (!secretText("x").safeParse(v.apiSecret ?? "").success) issue("apiSecret", "apiSecretInvalid");
    if (exchangeInfo(v.exchange)?.needsPassphrase && !(v.passphrase ?? "").trim()) issue("passphrase", "passphraseRequired");
  });

export type AddAccountInput = z.infer<typeof addAccountSchema>;

export const accountIdSchema = z.object({ accountId: z.uuid("accountInvalid") });

export const placeOrderSchema = z
  .object({
    accountId: z.uuid("accountInvalid"),
    symbol: z.string().trim().min(3, "symbolInvalid").max(40, "symbolInvalid").regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/, "symbolInvalid"),
    side: z.enum(["buy", "sell"], "sideInvalid"),
    type: z.enum(["market", "limit"], "orderTypeInvalid"),
    amountIn: z.enum(["base", "quote"], "amountInInvalid").default("base"),
    amount: decimalText("amountInvalid"),
    price: z.string().trim().optional(),
  })
  .superRefine((v, ctx) => {
    if (Number(v.amount) <= 0) ctx.addIssue({ code: "custom", path: ["amount"], message: "amountInvalid" });
    if (v.type === "limit" && (!decimalText("x").safeParse(v.price ?? "").success || Number(v.price) <= 0)) {
      ctx.addIssue({ code: "custom", path: ["price"], message: "priceInvalid" });
    }
  });

export type PlaceOrderInput = z.infer<typeof placeOrderSchema>;

export const cancelOrderSchema = z.object({
  accountId: z.uuid("accountInvalid"),
  orderId: z.string().trim().min(1, "orderInvalid").max(80, "orderInvalid"),
  symbol: z.string().trim().min(3, "symbolInvalid").max(40, "symbolInvalid"),
});

export const cancelAllSchema = z.object({
  accountId: z.uuid("accountInvalid"),
  symbol: z.string().trim().min(3, "symbolInvalid").max(40, "symbolInvalid"),
});

export const orderListQuerySchema = z.object({
  symbol: z.string().trim().max(40).optional().catch(undefined),
  status: z.enum(["open", "filled", "canceled", "rejected", "unknown"]).optional().catch(undefined),
  side: z.enum(["buy", "sell"]).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
