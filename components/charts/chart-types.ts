/** What GET /api/charts/candles answers (see lib/charts/candles.ts). */
export type ChartTimeframe = "1m" | "15m" | "1h" | "4h" | "1d";
export const CHART_TIMEFRAMES: readonly ChartTimeframe[] = ["1m", "15m", "1h", "4h", "1d"];
export const TIMEFRAME_SECONDS: Record<ChartTimeframe, number> = { "1m": 60, "15m": 900, "1h": 3600, "4h": 14_400, "1d": 86_400 };

export interface ChartCandle {
  time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export type ChartMarkerKind = "entry" | "short" | "exit" | "tp" | "sl" | "buy" | "sell";

export interface ChartPayload {
  symbol: string;
  timeframe: ChartTimeframe;
  candles: ChartCandle[];
  markers: { time: number; kind: ChartMarkerKind; side: "buy" | "sell"; price: string; amount: string }[];
  levels: { kind: "tp" | "sl"; price: string }[];
  unavailable: { code: string; message: string } | null;
}

/** Decimals to show: as many as the prices carry (at most 8), at least 2. */
export function pricePrecision(candles: ChartCandle[]): number {
  let most = 2;
  for (const c of candles.slice(-50)) for (const p of [c.open, c.close]) most = Math.max(most, p.split(".")[1]?.length ?? 0);
  return Math.min(8, most);
}

/**
 * Each execution is drawn on the candle it happened in: the latest candle opening at or before it
 * (candles may be missing where the market had no price). Executions before the first candle are left out.
 */
export function snapToCandles(times: number[], candleTimes: number[]): (number | null)[] {
  return times.map((t) => {
    let found: number | null = null;
    for (const c of candleTimes) {
      if (c > t) break;
      found = c;
    }
    return found;
  });
}
