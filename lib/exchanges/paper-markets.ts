import type { Market } from "./types";

function spot(base: string, amountStep: string, priceStep: string, minAmount: string, minCost: string): Market {
  return Object.freeze({
    symbol: `${base}/USDT`,
    id: `${base}USDT`,
    base,
    quote: "USDT",
    type: "spot",
    amountStep,
    priceStep,
    minAmount,
    maxAmount: "9000000",
    minCost,
    contractSize: null,
  });
}

/** The spot markets the paper exchange offers, with Binance-like precision and limits. */
export const PAPER_MARKETS: readonly Market[] = Object.freeze([
  spot("BTC", "0.00001", "0.01", "0.00001", "5"),
  spot("ETH", "0.0001", "0.01", "0.0001", "5"),
  spot("SOL", "0.001", "0.01", "0.001", "5"),
  spot("BNB", "0.001", "0.01", "0.001", "5"),
  spot("XRP", "0.1", "0.0001", "0.1", "5"),
  spot("DOGE", "1", "0.00001", "1", "5"),
  spot("ADA", "0.1", "0.0001", "0.1", "5"),
  spot("LTC", "0.001", "0.01", "0.001", "5"),
]);

const bySymbol = new Map(PAPER_MARKETS.map((m) => [m.symbol, m]));

/** The paper market for a ccxt-style symbol (BTC/USDT), or undefined. */
export function findPaperMarket(symbol: string): Market | undefined {
  const m = bySymbol.get(symbol);
  return m ? { ...m } : undefined;
}

/** A fresh copy of the list (callers may not mutate the shared one). */
export function paperMarkets(): Market[] {
  return PAPER_MARKETS.map((m) => ({ ...m }));
}
