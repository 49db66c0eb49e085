import type { Candle } from "@/lib/exchanges/types";
import type { IndicatorSnapshot } from "./indicators";

export const DEFAULT_PROMPT_TEMPLATE = `You are a cautious crypto trading analyst. Market: {{symbol}}, {{interval}} candles.
Indicators on the last closed candle:
{{indicators}}
Last candles (time, open, high, low, close, volume):
{{candles}}
Decide whether to BUY, SELL or HOLD {{symbol}} now.`;

/** Appended to every prompt: the answer's shape, which the zod schema then checks. */
export const ANSWER_INSTRUCTION =
  'Answer with one JSON object only: {"action": "BUY" | "SELL" | "HOLD", "confidence": a number from 0 to 1, "reasoning": "one short paragraph"}.';

const PLACEHOLDER = /\{\{\s*(symbol|interval|indicators|candles|close)\s*\}\}/g;

export function renderPrompt(template: string, input: { symbol: string; interval: string; indicators: IndicatorSnapshot; candles: Candle[] }): string {
  const { indicators: ind } = input;
  const lines = [
    `close: ${ind.close}`,
    `RSI(14): ${ind.rsi14 ?? "n/a"}`,
    `MACD(12,26,9): ${ind.macd ? `macd ${ind.macd.macd}, signal ${ind.macd.signal}, histogram ${ind.macd.histogram}` : "n/a"}`,
    `EMA(20): ${ind.ema20 ?? "n/a"}`,
    `EMA(50): ${ind.ema50 ?? "n/a"}`,
    `volume: ${ind.volume} (20-candle average ${ind.volumeAvg20 ?? "n/a"})`,
  ].join("\n");
  const candles = input.candles
    .slice(-20)
    .map((c) => `${new Date(c.time).toISOString()} ${c.open} ${c.high} ${c.low} ${c.close} ${c.volume}`)
    .join("\n");
  const values: Record<string, string> = { symbol: input.symbol, interval: input.interval, indicators: lines, candles, close: ind.close };
  return `${template.replace(PLACEHOLDER, (_, name: string) => values[name] ?? "")}\n\n${ANSWER_INSTRUCTION}`;
}
