import { z } from "zod";
import { CANDLE_TIMEFRAMES } from "@/lib/exchanges/types";

/** The price chart's query: one of the user's strategies, or one of their accounts and a symbol. */
export const candlesQuerySchema = z
  .object({
    strategy: z.uuid().optional(),
    account: z.uuid().optional(),
    symbol: z
      .string()
      .trim()
      .min(3)
      .max(40)
      .regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/)
      .optional(),
    timeframe: z.enum(CANDLE_TIMEFRAMES).default("1h"),
    limit: z.coerce.number().int().min(10).max(500).default(200),
  })
  .refine((q) => Boolean(q.strategy) !== Boolean(q.account), { message: "Name either a strategy or an account.", path: ["strategy"] })
  .refine((q) => !q.account || q.symbol, { message: "A symbol is needed with an account.", path: ["symbol"] });

export type CandlesQuery = z.infer<typeof candlesQuerySchema>;
