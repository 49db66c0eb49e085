import { describe, expect, it } from "vitest";
import { computeIndicators } from "@/lib/ai-sources/indicators";
import { ANSWER_INSTRUCTION, DEFAULT_PROMPT_TEMPLATE, renderPrompt } from "@/lib/ai-sources/prompt";
import { tokenCost } from "@/lib/ai-sources/cost";
import { aiSourceFormSchema } from "@/lib/ai-sources/validation";
import type { Candle } from "@/lib/exchanges/types";

const candles = (n: number, step = 1): Candle[] =>
  Array.from({ length: n }, (_, i) => {
    const close = String(100 + i * step);
    return { time: i * 60_000, open: close, high: close, low: close, close, volume: String(10 + i) };
  });

const form = {
  name: "DeepSeek BTC",
  baseUrl: "https://api.deepseek.com/v1",
  model: "deepseek-chat",
  apiKey: "",
  signalId: "7d3c6b9a-4c5e-4f3a-9b1e-2a1c3d4e5f60",
  symbols: "btc/usdt, ETH/USDT BTC/USDT",
  candleSource: "paper",
  interval: "1h",
  everyMinutes: "60",
  promptTemplate: DEFAULT_PROMPT_TEMPLATE,
  minConfidence: "0.7",
  dailySignalCap: "10",
  dailyTokenCap: "200000",
  inputPricePerM: "0.27",
  outputPricePerM: "1.10",
};

describe("AI source form", () => {
  it("accepts a valid form and normalises the symbols", () => {
    const parsed = aiSourceFormSchema.parse(form);
    expect(parsed.symbols).toEqual(["BTC/USDT", "ETH/USDT"]);
    expect(parsed.everyMinutes).toBe(60);
  });

  it.each([
    ["baseUrl", "not a url", "baseUrlInvalid"],
    ["baseUrl", "ftp://example.com", "baseUrlInvalid"],
    ["symbols", "BTCUSDT", "symbolsInvalid"],
    ["minConfidence", "1.5", "confidenceInvalid"],
    ["everyMinutes", "0", "everyMinutesInvalid"],
    ["dailySignalCap", "-1", "capInvalid"],
    ["interval", "2h", "intervalInvalid"],
  ])("refuses %s = %j with %s", (field, value, message) => {
    const result = aiSourceFormSchema.safeParse({ ...form, [field]: value });
    expect(result.success).toBe(false);
    expect(result.error!.issues.find((i) => i.path[0] === field)?.message).toBe(message);
  });
});

describe("indicators and prompt", () => {
  it("computes RSI, MACD, EMA and volume with enough candles, n/a without", () => {
    const rising = computeIndicators(candles(60))!;
    expect(rising.rsi14).toBe("100.00");
    expect(Number(rising.ema20)).toBeGreaterThan(Number(rising.ema50));
    expect(Number(rising.macd!.macd)).toBeGreaterThan(0);
    expect(rising.volume).toBe("69");
    expect(rising.volumeAvg20).toBe("58.5000");

    const short = computeIndicators(candles(10))!;
    expect(short.ema50).toBeNull();
    expect(short.macd).toBeNull();
    expect(computeIndicators([])).toBeNull();
  });

  it("fills the template's placeholders and appends the answer format", () => {
    const prompt = renderPrompt("{{symbol}} on {{ interval }} closes at {{close}}", { symbol: "BTC/USDT", interval: "1h", indicators: computeIndicators(candles(30))!, candles: candles(30) });
    expect(prompt.startsWith("BTC/USDT on 1h closes at 129")).toBe(true);
    expect(prompt.endsWith(ANSWER_INSTRUCTION)).toBe(true);
  });

  it("prices tokens exactly", () => {
    expect(tokenCost(1_000_000, 500_000, "0.27", "1.10")).toBe("0.8200");
  });
});
