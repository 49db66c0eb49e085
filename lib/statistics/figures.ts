/** The quote assets counted 1:1 as USDT in totals; markets quoted in anything else are shown apart. */
export const USD_QUOTES = new Set(["USDT", "USDC", "FDUSD", "USD", "BUSD", "DAI", "TUSD"]);

export function quoteOf(symbol: string): string {
  return symbol.split("/")[1]?.split(":")[0] ?? "";
}

export const isUsdQuoted = (symbol: string) => USD_QUOTES.has(quoteOf(symbol));

export interface TradeFigures {
  realizedPnl: string;
  trades: number;
  wins: number;
  losses: number;
  winRate: string | null;
  averageWin: string | null;
  averageLoss: string | null;
  profitFactor: string | null;
  maxDrawdown: string;
  /** Fees counted in the quote asset, paid by the fills in the same selection (summed by the caller). */
  fees: string;
}

/** The UTC day (YYYY-MM-DD) a moment falls in. */
export const utcDayKey = (at: Date) => at.toISOString().slice(0, 10);
