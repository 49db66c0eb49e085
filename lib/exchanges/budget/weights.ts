import type { CcxtExchangeId } from "../ccxt-loader";

export interface VenueBudget {
  /** Request weight one outbound address may spend per window, kept below the venue's published limit. */
  limit: number;
  windowMs: number;
  /** How long a ban lasts when the venue bans the address without saying (Retry-After) for how long. */
  banMs: number;
}

/**
 * Per venue and outbound address, shared by every account's traffic. Binance: 6,000 weight a minute
 * (x-mbx-used-weight-1m says what is spent). Bybit: 600 requests per 5 s per IP, a 403 "access too frequent"
 * bans for at least 10 minutes. OKX and Bitget count requests per endpoint (OKX mostly 20 per 2 s, Bitget
 * 10-20 per second): one request is one unit here, below the tightest endpoint's share. Mutable for tests.
 */
export const venueBudgets: Record<CcxtExchangeId, VenueBudget> = {
  binance: { limit: 4_800, windowMs: 60_000, banMs: 120_000 },
  bybit: { limit: 500, windowMs: 5_000, banMs: 10 * 60_000 },
  okx: { limit: 40, windowMs: 2_000, banMs: 5 * 60_000 },
  bitget: { limit: 15, windowMs: 1_000, banMs: 5 * 60_000 },
};

// ccxt's Binance costs are the published weights scaled to its own 50 ms limiter: the spot API's by 0.2
// (exchangeInfo 20 -> 4), the wallet (sapi) API's by 0.1; the futures APIs' are the weights themselves.
const BINANCE_COST_SCALE: [RegExp, number][] = [
  [/^(public|private)$/, 5],
  [/^sapi/, 10],
];

/**
 * The weight of one HTTP request, from the cost ccxt computed for its endpoint (which already tells a
 * symbol-less open-orders list, 80, from one symbol's, 6).
 */
export function requestWeight(venue: CcxtExchangeId, api: unknown, ccxtCost: number, path?: string, params?: unknown): number {
  if (venue !== "binance") return 1;
  // One order's trades weigh 5, not the 20 of a trade list (ccxt prices both as the list).
  if (api === "private" && path === "myTrades" && params && typeof params === "object" && "orderId" in params) return 5;
  const scale = BINANCE_COST_SCALE.find(([re]) => typeof api === "string" && re.test(api))?.[1] ?? 1;
  const weight = Math.ceil(Math.round(ccxtCost * scale * 1000) / 1000);
  return Number.isFinite(weight) ? Math.max(1, weight) : 1;
}

export function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** What the venue says this address has spent in its current window, where it says. */
export function usedWeight(venue: CcxtExchangeId, headers: Record<string, string> | undefined): number | null {
  if (venue !== "binance") return null;
  const used = Number(headerOf(headers, "x-mbx-used-weight-1m") ?? headerOf(headers, "x-mbx-used-weight"));
  return Number.isInteger(used) && used >= 0 ? used : null;
}

/** Seconds to wait, from Retry-After or Bybit's reset timestamp; null when the answer does not say. */
export function retryAfterMs(headers: Record<string, string> | undefined, now = Date.now()): number | null {
  const seconds = Number(headerOf(headers, "retry-after"));
  if (headerOf(headers, "retry-after") !== undefined && Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const reset = Number(headerOf(headers, "x-bapi-limit-reset-timestamp"));
  return Number.isFinite(reset) && reset > now ? reset - now : null;
}
