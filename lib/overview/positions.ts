import "server-only";
import { listOpenPositions } from "@/db/queries/overview";
import { isDust, quoteOf, sumByQuote, valuePosition } from "./pnl";
import { lastPrices, PRICE_TIMEOUT_MS, type PriceQuote } from "./prices";

/**
 * The user's open positions valued at each market's last price: average entry, unrealised P&L in the
 * quote asset and in percent, and the total per quote asset of those that have a price.
 */
export async function valuedPositions({ userId, timeoutMs = PRICE_TIMEOUT_MS }: { userId: string; timeoutMs?: number }) {
  const rows = await listOpenPositions({ userId });
  const priceOf = rows.length ? await lastPrices({ userId, markets: rows, timeoutMs }) : null;
  const positions = rows
    .map((row) => {
      const quote: PriceQuote = priceOf?.(row.accountId, row.symbol) ?? { price: null, reason: "unavailable" };
      return { ...row, quote, currency: quoteOf(row.symbol), ...valuePosition(row.amount, row.costBasis, quote.price) };
    })
    // A remainder the market cannot trade (after a close on paper, say) is closed as far as the lists go;
    // the books keep it.
    .filter((p) => !(p.quote.price !== null && p.quote.minimum && isDust(p.amount, p.quote.price, p.quote.minimum)));
  const totals = sumByQuote(positions.flatMap((p) => (p.unrealized === null ? [] : [{ quote: p.currency, amount: p.unrealized }])));
  return { positions, totals, missingPrices: positions.some((p) => p.unrealized === null) };
}
