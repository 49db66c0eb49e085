import Decimal from "decimal.js";
import { z } from "zod";

/** The body a signal source posts. Unknown fields are ignored; numbers may arrive as strings (TradingView sends text). */

export const SIGNAL_ACTIONS = ["buy", "sell", "close", "cancel"] as const;
export const TARGET_POSITIONS = ["long", "short", "flat"] as const;

const required = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${what}`),
});

const POSITIVE_DECIMAL = /^(\d+\.?\d*|\.\d+)$/;
const priceSchema = z
  .union([z.number(), z.string()], { error: "must be a positive number such as 42000.5" })
  .transform((value, ctx) => {
    const text = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : value.trim();
    const valid = text.length <= 40 && (typeof value === "number" || POSITIVE_DECIMAL.test(text));
    const decimal = valid ? new Decimal(text) : undefined;
    if (!decimal || !decimal.isFinite() || decimal.lte(0)) {
      ctx.issues.push({ code: "custom", message: "must be a positive number such as 42000.5", input: value });
      return z.NEVER;
    }
    return decimal.toFixed();
  });

// Seconds below 1e11 (until the year 5138), milliseconds above: a millisecond value is always above 1e11 today.
const MS_THRESHOLD = 1e11;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const TIMESTAMP_HINT = "must be ISO 8601 (2025-01-31T12:00:00Z) or unix seconds or milliseconds";

function toDate(value: number | string): Date | null {
  if (typeof value === "number" || /^\d+(\.\d+)?$/.test(value.trim())) {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) return null;
    const date = new Date(n < MS_THRESHOLD ? n * 1000 : n);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const text = value.trim();
  if (!ISO_8601.test(text)) return null;
  // Without an offset the time is read as UTC, never as the server's local time.
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.length > 10;
  const normalized = text.replace(" ", "T");
  const date = new Date(hasZone || text.length === 10 ? normalized : `${normalized}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

const timestampSchema = z
  .union([z.number(), z.string()], { error: TIMESTAMP_HINT })
  .transform((value, ctx) => {
    const date = toDate(value);
    if (!date || date.getUTCFullYear() < 2000 || date.getUTCFullYear() > 2200) {
      ctx.issues.push({ code: "custom", message: TIMESTAMP_HINT, input: value });
      return z.NEVER;
    }
    return date;
  });

const MAX_LAG_HINT = "must be a whole number of seconds from 1 to 86400";
const maxLagSchema = z
  .union([z.number(), z.string()], { error: MAX_LAG_HINT })
  .transform((value, ctx) => {
    const n = typeof value === "number" ? value : /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 86_400) {
      ctx.issues.push({ code: "custom", message: MAX_LAG_HINT, input: value });
      return z.NEVER;
    }
    return n;
  });

const ID_HINT = "must be a string of 1 to 100 characters";
const idSchema = z
  .union([z.string(), z.number().int()], { error: ID_HINT })
  .transform((value, ctx) => {
    const text = String(value).trim();
    if (text.length < 1 || text.length > 100) {
      ctx.issues.push({ code: "custom", message: ID_HINT, input: value });
      return z.NEVER;
    }
    return text;
  });

export const signalPayloadSchema = z.object(
  {
    secret: z
      .string({ error: "must be a string" })
      .max(200, { error: "must be at most 200 characters" })
      .optional()
      .meta({ description: "The signal's secret. Not needed when the request is signed with X-Signature." }),
    action: z
      .string(required("a string"))
      .trim()
      .toLowerCase()
      .pipe(z.enum(SIGNAL_ACTIONS, { error: `must be one of ${SIGNAL_ACTIONS.join(", ")}` }))
      .meta({ description: "buy, sell, close or cancel (any case).", examples: ["buy"] }),
    position: z
      .string({ error: "must be a string" })
      .trim()
      .toLowerCase()
      .pipe(z.enum(TARGET_POSITIONS, { error: `must be one of ${TARGET_POSITIONS.join(", ")}` }))
      .optional()
      .meta({
        description:
          "Perpetual strategies: the position wanted after this signal, long, short or flat (TradingView's {{strategy.market_position}}). sell with short reverses a long; sell or buy with flat closes.",
        examples: ["short"],
      }),
    symbol: z
      .string(required("a string"))
      .trim()
      .min(1, { error: "must not be empty" })
      .max(64, { error: "must be at most 64 characters" })
      .meta({
        description: "BTCUSDT, BINANCE:BTCUSDT, BTCUSDT.P (perpetual), BTC/USDT or BTC/USDT:USDT.",
        examples: ["BINANCE:BTCUSDT"],
      }),
    price: priceSchema
      .optional()
      .meta({ description: "Positive price as a number or decimal string.", examples: ["42000.5"] }),
    id: idSchema.optional().meta({
      description: "1-100 characters. A repeated id is a duplicate and never makes a second event.",
      examples: ["long-entry-2025-01-31T12:00:00Z"],
    }),
    timestamp: timestampSchema.optional().meta({
      description: "When the signal was sent: ISO 8601 or unix seconds or milliseconds.",
      examples: ["2025-01-31T12:00:00Z"],
    }),
    max_lag: maxLagSchema.optional().meta({
      description: "Reject the signal (422) when it arrives more than this many seconds after `timestamp` (1-86400).",
      examples: [60],
    }),
    comment: z
      .string({ error: "must be a string" })
      .max(500, { error: "must be at most 500 characters" })
      .optional()
      .meta({ description: "Free text, at most 500 characters." }),
  },
  { error: "must be a JSON object such as {\"action\":\"buy\",\"symbol\":\"BTCUSDT\",\"secret\":\"...\"}" },
);

/**
 * What the webhook parses: the public payload plus `test_strategy`, which the app's own "Send test signal"
 * adds so the event runs for that one strategy only (on paper). Left out of the published schema.
 */
export const signalBodySchema = signalPayloadSchema.extend({
  test_strategy: z.uuid({ error: "must be a strategy id (uuid)" }).optional(),
});

export type SignalPayload = z.infer<typeof signalBodySchema>;

export type ParseSignalResult = { ok: true; data: SignalPayload } | { ok: false; status: 400; message: string };

/** Describes each problem as `field: what is wrong`, one per field, in a sentence a person can act on. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const issue of issues) {
    const field = issue.path.map(String).join(".");
    if (seen.has(field)) continue;
    seen.add(field);
    parts.push(field ? `${field}: ${issue.message}` : `Body ${issue.message}`);
  }
  return parts.join("; ");
}

export function parseSignalBody(rawText: string): ParseSignalResult {
  // PostgreSQL text cannot hold NUL; such a body is refused as bad input, not stored half-way.
  if (rawText.includes("\u0000") || /\\u0000/i.test(rawText)) {
    return { ok: false, status: 400, message: "The body contains a NUL character (\\u0000): remove it." };
  }
  let json: unknown;
  try {
    json = JSON.parse(rawText);
  } catch (error) {
    const reason = rawText.trim() === "" ? "the body is empty" : error instanceof Error ? error.message : String(error);
    return { ok: false, status: 400, message: `Body is not valid JSON: ${reason}` };
  }
  const result = signalBodySchema.safeParse(json);
  if (!result.success) return { ok: false, status: 400, message: describeIssues(result.error.issues) };
  return { ok: true, data: result.data };
}
