import "server-only";
import Decimal from "decimal.js";
import { realizedBySymbolBetween } from "@/db/queries/statistics";
import { groupTradeFigures } from "./breakdown";
import { quoteOf, type TradeFigures } from "./figures";
import { periodFigures } from "./groups";
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
export async function strategyFigures({ userId }: { userId: string }): Promise<Map<string, TradeFigures>> {
  await bookLedgerPnl({ userId });
  const { groups } = await periodFigures({ userId });
  return new Map(groups.strategy.filter((g) => g.strategyId).map((g) => [g.strategyId!, groupTradeFigures(g)]));
}
