import { cachedValue } from "@/lib/cache";
import type { Candle, CandleTimeframe } from "./types";

/**
 * Candles are asked for by every open chart, and every instance serves them: kept a few seconds in the
 * shared cache (Redis when configured, else the database's `shared_cache`) so a page full of viewers costs
 * the exchange one request per symbol and interval. Only answers are kept: a failure is never cached, and
 * an expired entry is never served in its place (both are `cachedValue`'s own rules).
 */
const TTL_MS: Record<CandleTimeframe, number> = { "1m": 10_000, "15m": 30_000, "1h": 30_000, "4h": 60_000, "1d": 60_000 };

export interface CandleCacheKey {
  venue: string;
  symbol: string;
  timeframe: CandleTimeframe;
  limit: number;
}

export function candleCacheKey(k: CandleCacheKey): string {
  return `candles:${k.venue}:${k.symbol}:${k.timeframe}:${k.limit}`;
}

/** The cached candles for `key`, else `load()`'s (then kept for the interval's TTL). A store that fails is skipped, not fatal. */
export function cachedCandles(k: CandleCacheKey, load: () => Promise<Candle[]>): Promise<Candle[]> {
  return cachedValue(candleCacheKey(k), TTL_MS[k.timeframe], load);
}
