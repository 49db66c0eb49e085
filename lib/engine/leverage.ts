import "server-only";
import { ExchangeError, type ExchangeClient } from "@/lib/exchanges";

/**
 * What this process last set on the venue per account and symbol. A strategy's leverage and margin mode
 * are set before its first order and checked before each order: unchanged and recent, nothing
 * is sent; changed (another strategy on the same symbol, a new setting), set again. Kept a few minutes
 * so a change made on the venue's own site is put back soon.
 */
// Per client (a rebuilt client has forgotten the margin mode it sends with OKX orders, so it sets it again).
let applied = new WeakMap<ExchangeClient, Map<string, { value: string; at: number }>>();
const KEEP_MS = 5 * 60_000;

export async function ensureLeverage(
  client: ExchangeClient,
  accountId: string,
  strategy: { symbol: string; leverage: number; marginMode: "isolated" | "cross" },
): Promise<void> {
  if (!client.setLeverage || !client.setMarginMode) throw new ExchangeError("invalid_order", "This account does not trade perpetuals");
  const key = `${accountId}|${strategy.symbol}`;
  const want = `${strategy.marginMode}|${strategy.leverage}`;
  let mine = applied.get(client);
  if (!mine) applied.set(client, (mine = new Map()));
  const known = mine.get(key);
  if (known && known.value === want && Date.now() - known.at < KEEP_MS) return;
  mine.delete(key);
  await client.setMarginMode(strategy.symbol, strategy.marginMode);
  await client.setLeverage(strategy.symbol, strategy.leverage, strategy.marginMode);
  mine.set(key, { value: want, at: Date.now() });
}

/** Tests: forget what was set, so the next order sets it again. */
export function forgetLeverage() {
  applied = new WeakMap();
}
