import { z } from "zod";

export const AI_INTERVALS = ["1m", "15m", "1h", "4h", "1d"] as const;
export const AI_CANDLE_SOURCES = ["paper", "binance", "bybit", "okx", "bitget"] as const;

const int = (min: number, max: number, message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));

const decimal = (max: string, message: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, message)
    .refine((v) => Number(v) <= Number(max), message);

/** The add/edit form; messages are keys of the "ai.validation" messages. An empty key keeps the stored one. */
export const aiSourceFormSchema = z.object({
  id: z.uuid("sourceInvalid").optional().or(z.literal("").transform(() => undefined)),
  name: z.string().trim().min(1, "nameRequired").max(60, "nameTooLong"),
  baseUrl: z
    .string()
    .trim()
    .url("baseUrlInvalid")
    .refine((v) => /^https?:\/\//i.test(v), "baseUrlInvalid"),
  model: z.string().trim().min(1, "modelRequired").max(100, "modelRequired"),
  apiKey: z.string().trim().max(500, "apiKeyTooLong").default(""),
  signalId: z.uuid("signalRequired"),
  symbols: z
    .string()
    .transform((v) => [...new Set(v.split(/[\s,]+/).map((s) => s.trim().toUpperCase()).filter(Boolean))])
    .pipe(z.array(z.string().regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,10}$/, "symbolsInvalid")).min(1, "symbolsInvalid").max(20, "symbolsInvalid")),
  candleSource: z.enum(AI_CANDLE_SOURCES, "candleSourceInvalid"),
  interval: z.enum(AI_INTERVALS, "intervalInvalid"),
  everyMinutes: int(1, 10_080, "everyMinutesInvalid"),
  promptTemplate: z.string().trim().min(10, "promptRequired").max(8_000, "promptTooLong"),
  minConfidence: decimal("1", "confidenceInvalid"),
  dailySignalCap: int(0, 10_000, "capInvalid"),
  dailyTokenCap: int(0, 100_000_000, "capInvalid"),
  inputPricePerM: decimal("1000", "priceInvalid"),
  outputPricePerM: decimal("1000", "priceInvalid"),
});
export type AiSourceForm = z.infer<typeof aiSourceFormSchema>;

export const aiSourceIdSchema = z.object({ sourceId: z.uuid("sourceInvalid") });
export const aiSourceEnabledSchema = z.object({
  sourceId: z.uuid("sourceInvalid"),
  enabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});
