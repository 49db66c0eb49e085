import "server-only";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { clientForAccount } from "@/lib/exchanges";

/** The smallest position a market can trade: its amount step and its minimum amount and order value. */
export interface TradableMinimum {
  amountStep: string;
  minAmount: string | null;
  minCost: string | null;
}

/**
 * A market's last price (with what it can trade, where the market was read), or why there is none: the
 * venue did not answer in time, or had no price.
 */
export type PriceQuote = { price: string; minimum?: TradableMinimum } | { price: null; reason: "slow" | "unavailable" };

export const PRICE_TIMEOUT_MS = 3_000;

const keyOf = (accountId: string, symbol: string) => `${accountId}|${symbol}`;

function within<T>(promise: Promise<T>, ms: number): Promise<T | "slow"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"slow">((resolve) => {
    timer = setTimeout(() => resolve("slow"), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The last price of each market on the user's own accounts, through the account's shared client and the
 * shared per-exchange budget, as the engine reads one. Never throws and never waits past `timeoutMs`: a
 * slow or failing venue gives a reason instead of a price.
 */
export async function lastPrices({
  userId,
  markets,
  timeoutMs = PRICE_TIMEOUT_MS,
}: {
  userId: string;
  markets: { accountId: string; symbol: string }[];
  timeoutMs?: number;
}): Promise<(accountId: string, symbol: string) => PriceQuote> {
  const quotes = new Map<string, PriceQuote>();
  const wanted = [...new Map(markets.map((m) => [keyOf(m.accountId, m.symbol), m])).values()];
  await Promise.all(
    wanted.map(async ({ accountId, symbol }) => {
      const read = (async () => {
        const account = await getAccountForTrading(userId, accountId);
        if (!account) return null;
        const client = await clientForAccount(account);
        const [ticker, market] = await Promise.all([client.ticker(symbol), client.market(symbol).catch(() => null)]);
        return { price: ticker.last, minimum: market ? { amountStep: market.amountStep, minAmount: market.minAmount, minCost: market.minCost } : undefined };
      })().catch(() => null);
      const quote = await within(read, timeoutMs);
      quotes.set(
        keyOf(accountId, symbol),
        quote === "slow" ? { price: null, reason: "slow" } : quote?.price ? { price: quote.price, ...(quote.minimum ? { minimum: quote.minimum } : {}) } : { price: null, reason: "unavailable" },
      );
    }),
  );
  return (accountId, symbol) => quotes.get(keyOf(accountId, symbol)) ?? { price: null, reason: "unavailable" };
}
