import Decimal from "decimal.js";
import { EMA, MACD, RSI } from "trading-signals";
import type { Candle } from "@/lib/exchanges/types";

export interface IndicatorSnapshot {
  close: string;
  rsi14: string | null;
  macd: { macd: string; signal: string; histogram: string } | null;
  ema20: string | null;
  ema50: string | null;
  /** The last candle's volume and the mean of the 20 before it. */
  volume: string;
  volumeAvg20: string | null;
}

const fixed = (value: { toFixed(dp: number): string } | null | undefined, dp = 4) => (value ? value.toFixed(dp) : null);

/** RSI(14), MACD(12,26,9), EMA(20/50) and volume of the last candle; null where there are too few candles. */
export function computeIndicators(candles: Candle[]): IndicatorSnapshot | null {
  const last = candles.at(-1);
  if (!last) return null;
  const rsi = new RSI(14);
  const macd = new MACD({ indicator: EMA, shortInterval: 12, longInterval: 26, signalInterval: 9 });
  const ema20 = new EMA(20);
  const ema50 = new EMA(50);
  for (const candle of candles) {
    rsi.add(candle.close);
    macd.add(candle.close);
    ema20.add(candle.close);
    ema50.add(candle.close);
  }
  const m = macd.isStable ? macd.getResult() : null;
  const before = candles.slice(-21, -1);
  let volumeAvg20: string | null = null;
  if (before.length === 20) {
    volumeAvg20 = before.reduce((acc, c) => acc.plus(c.volume), new Decimal(0)).div(20).toFixed(4);
  }
  return {
    close: last.close,
    rsi14: rsi.isStable ? fixed(rsi.getResult(), 2) : null,
    macd: m ? { macd: m.macd.toFixed(4), signal: m.signal.toFixed(4), histogram: m.histogram.toFixed(4) } : null,
    ema20: ema20.isStable ? fixed(ema20.getResult()) : null,
    ema50: ema50.isStable ? fixed(ema50.getResult()) : null,
    volume: last.volume,
    volumeAvg20,
  };
}
