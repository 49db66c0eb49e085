import "server-only";
import Decimal from "decimal.js";
import { bookPeriodSums, realizedBySymbolBetween } from "@/db/queries/statistics";
import { groupTradeFigures } from "./breakdown";
import { quoteOf, type TradeFigures } from "./figures";
import type { LedgerGroupFigures } from "./groups";
import { bookLedgerPnl } from "./ledger-pnl";

/**
 * Realized P&L in [from, to) (either end open) per quote asset, largest first (a flat day shows as no entry): the overview's
 * "today" tile and the bot's /status, from the same stored FIFO figures as the Statistics page.
 */
export async function realizedPnlByQuote({ userId, from, to }: { userId: string; from?: Date; to?: Date }): Promise<{ quote: string; amount: string }[]> {
  await bookLedgerPnl({ userId });
  const sums = new Map<string, Decimal>();
  for (const row of await realizedBySymbolBetween({ userId, from, to })) {
    const quote = quoteOf(row.symbol);
    sums.set(quote, (sums.get(quote) ?? new Decimal(0)).add(row.pnl));
  }
  return [...sums.entries()]
    .sort((a, b) => b[1].abs().cmp(a[1].abs()) || a[0].localeCompare(b[0]))
    .map(([quote, amount]) => ({ quote, amount: amount.toFixed() }));
}

/** Each strategy's all-time trade figures (the strategy cards), the Statistics page's strategy rows for "all". */
export async function strategyFigures({ userId }: { userId: string }): Promise<Map<string, StrategyCardFigures>> {
  await bookLedgerPnl({ userId });
  // The database's sums per book only: the cards show no drawdown, which needs every realization in order
  // (the Statistics page works it out; with 50,000 fills that is most of this call's time).
  const books = await bookPeriodSums({ userId });
  const sums = new Map<string, Omit<LedgerGroupFigures, "key" | "accountId" | "symbol" | "fills" | "strategyId">>();
  for (const book of books) {
    if (!book.strategyId) continue;
    const g = sums.get(book.strategyId);
    if (!g) {
      sums.set(book.strategyId, { fees: book.fees, realized: book.realized, trades: book.trades, wins: book.wins, grossProfit: book.grossProfit, grossLoss: book.grossLoss, maxDrawdown: "0" });
      continue;
    }
    const add = (a: string, b: string) => new Decimal(a).add(b).toFixed();
    Object.assign(g, { fees: add(g.fees, book.fees), realized: add(g.realized, book.realized), trades: g.trades + book.trades, wins: g.wins + book.wins, grossProfit: add(g.grossProfit, book.grossProfit), grossLoss: add(g.grossLoss, book.grossLoss) });
  }
  return new Map(
    [...sums].map(([strategyId, g]) => {
      const { maxDrawdown: _notWorkedOut, ...figures } = groupTradeFigures(g);
      void _notWorkedOut;
      return [strategyId, figures];
    }),
  );
}

/** A strategy card's figures: the Statistics page's trade figures for "all", less the drawdown. */
export type StrategyCardFigures = Omit<TradeFigures, "maxDrawdown">;
