/** Symbols as signal sources write them, turned into ccxt unified symbols. */

export type MarketType = "spot" | "swap";
export interface NormalizedSymbol {
  symbol: string;
  market: MarketType;
}

/** Quote assets recognised in concatenated pairs such as BTCUSDT, longest first so FDUSD wins over USD-anything. */
export const KNOWN_QUOTES = ["FDUSD", "USDT", "USDC", "BUSD", "BTC", "ETH", "BNB", "EUR", "TRY"] as const;

const ASSET = /^[A-Z0-9]{1,20}$/;

function splitConcatenated(pair: string): [string, string] | null {
  for (const quote of KNOWN_QUOTES) {
    if (pair.length > quote.length && pair.endsWith(quote)) return [pair.slice(0, -quote.length), quote];
  }
  return null;
}

/**
 * Accepts TradingView style (BTCUSDT, BINANCE:BTCUSDT, BTCUSDT.P for a perpetual) and ccxt style
 * (BTC/USDT, BTC/USDT:USDT), case-insensitively.
 * Returns the ccxt unified symbol (BTC/USDT, or BTC/USDT:USDT for a perpetual swap), or null.
 */
export function normalizeSymbol(raw: string): NormalizedSymbol | null {
  let text = raw.trim().toUpperCase();
  if (!text || text.length > 64) return null;

  // An exchange prefix (BINANCE:BTCUSDT); the colon in BTC/USDT:USDT comes after the slash and is the settle asset.
  const colon = text.indexOf(":");
  const slash = text.indexOf("/");
  if (colon >= 0 && (slash < 0 || colon < slash)) {
    if (!/^[A-Z0-9_.]+$/.test(text.slice(0, colon))) return null;
    text = text.slice(colon + 1);
  }

  let perpetual = false;
  if (text.endsWith(".P")) {
    perpetual = true;
    text = text.slice(0, -2);
  }

  let settle: string | undefined;
  const settleAt = text.indexOf(":");
  if (settleAt >= 0) {
    settle = text.slice(settleAt + 1);
    text = text.slice(0, settleAt);
    if (perpetual || !ASSET.test(settle)) return null;
  }

  let base: string;
  let quote: string;
  const parts = text.split("/");
  if (parts.length === 2) {
    [base, quote] = parts as [string, string];
  } else if (parts.length === 1 && settle === undefined) {
    const split = splitConcatenated(text);
    if (!split) return null;
    [base, quote] = split;
  } else {
    return null;
  }
  if (!ASSET.test(base) || !ASSET.test(quote)) return null;

  if (perpetual) settle = quote;
  if (settle !== undefined) return { symbol: `${base}/${quote}:${settle}`, market: "swap" };
  return { symbol: `${base}/${quote}`, market: "spot" };
}
