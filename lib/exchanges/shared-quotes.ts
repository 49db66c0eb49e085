import "server-only";
import { cachedValue } from "@/lib/cache";
import type { ExchangeClient } from "./types";

/** How long a ticker and a venue's market list are shared (mutable for tests). */
export const quoteCacheTiming = { tickerMs: 2_000, marketsMs: 30_000 };

/**
 * The client with its public reads (ticker, tickers, markets) shared for a few seconds by every account and
 * server on the same venue (`scope`): a page listing many strategies, or one signal fanned out to many,
 * asks the venue once per symbol.
 */
export function withSharedQuotes(client: ExchangeClient, scope: string): ExchangeClient {
  return {
    ...client,
    ticker: (symbol, opts) =>
      cachedValue(`ticker:${scope}:${symbol}`, quoteCacheTiming.tickerMs, () => client.ticker(symbol), { refresh: opts?.fresh === true }),
    tickers: (symbols) => {
      if (symbols.length === 0) return client.tickers(symbols);
      const wanted = [...new Set(symbols)].sort();
      return cachedValue(`tickers:${scope}:${wanted.join(",")}`, quoteCacheTiming.tickerMs, () => client.tickers(wanted));
    },
    markets: () => cachedValue(`markets:${scope}`, quoteCacheTiming.marketsMs, () => client.markets()),
  };
}
