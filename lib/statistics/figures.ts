import Decimal from "decimal.js";
import type { Realization } from "./fifo";

const ZERO = new Decimal(0);

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

/**
 * The trade figures of a selection of realizations (one strategy, one account, one symbol, one period),
 * as fifoFigures counts them for a whole ledger: a closing order is one trade, one that made nothing is
 * a loss, and the drawdown is the largest fall of the running sum from an earlier peak (starting at 0).
 */
export function tradeFigures(realizations: Realization[], fees: Decimal): TradeFigures {
  const byOrder = new Map<string, Decimal>();
  let total = ZERO;
  let peak = ZERO;
  let maxDrawdown = ZERO;
  for (const r of realizations) {
    byOrder.set(r.orderId, (byOrder.get(r.orderId) ?? ZERO).add(r.value));
    total = total.add(r.value);
    if (total.gt(peak)) peak = total;
    else if (peak.sub(total).gt(maxDrawdown)) maxDrawdown = peak.sub(total);
  }
  let grossProfit = ZERO;
  let grossLoss = ZERO;
  let wins = 0;
  let losses = 0;
  for (const pnl of byOrder.values()) {
    if (pnl.gt(0)) {
      wins += 1;
      grossProfit = grossProfit.add(pnl);
    } else {
      losses += 1;
      grossLoss = grossLoss.sub(pnl);
    }
  }
  const trades = wins + losses;
  return {
    realizedPnl: total.toFixed(),
    trades,
    wins,
    losses,
    winRate: trades > 0 ? new Decimal(wins).div(trades).toFixed() : null,
    averageWin: wins > 0 ? grossProfit.div(wins).toFixed() : null,
    averageLoss: losses > 0 ? grossLoss.div(losses).neg().toFixed() : null,
    profitFactor: grossLoss.gt(0) ? grossProfit.div(grossLoss).toFixed() : null,
    maxDrawdown: maxDrawdown.toFixed(),
    fees: fees.toFixed(),
  };
}

/** The UTC day (YYYY-MM-DD) a moment falls in. */
export const utcDayKey = (at: Date) => at.toISOString().slice(0, 10);

/** Realized P&L per UTC day, oldest first; days without a closing fill are left out. */
export function dailyPnl(realizations: Realization[]): { day: string; pnl: string }[] {
  const days = new Map<string, Decimal>();
  for (const r of realizations) {
    const day = utcDayKey(r.at);
    days.set(day, (days.get(day) ?? ZERO).add(r.value));
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, pnl]) => ({ day, pnl: pnl.toFixed() }));
}

/** Sums realized P&L in [from, to) (either end open). */
export function realizedBetween(realizations: Realization[], from?: Date, to?: Date): string {
  let sum = ZERO;
  for (const r of realizations) {
    if (from && r.at < from) continue;
    if (to && r.at >= to) continue;
    sum = sum.add(r.value);
  }
  return sum.toFixed();
}
