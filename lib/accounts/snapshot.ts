import "server-only";
import Decimal from "decimal.js";
import { ExchangeError, type BalanceLine, type ExchangeClient, type ExchangeOrder, type Market } from "@/lib/exchanges";
import { recordBalance } from "./balance-snapshots";
import { reconcileAccountOrders } from "./manual-orders";

const USD_STABLES = new Set(["USDT", "USDC", "FDUSD", "BUSD", "TUSD", "DAI", "USD"]);

export interface ValuedBalance extends BalanceLine {
  valueUsdt: string | null;
}

export interface AccountSnapshot {
  balances: ValuedBalance[];
  totalUsdt: string | null;
  openOrders: ExchangeOrder[];
  markets: Market[];
  error: ExchangeError | null;
}

/** Values each asset in USDT from the venue's tickers (stablecoins at 1); unknown prices stay null. */
export async function valueBalances(client: ExchangeClient, balances: BalanceLine[]) {
  const symbols = balances.filter((b) => !USD_STABLES.has(b.asset)).map((b) => `${b.asset}/USDT`);
  const tickers = await client.tickers(symbols).catch(() => []);
  const prices = new Map(tickers.map((t) => [t.symbol.split("/")[0], t.last]));
  let total = new Decimal(0);
  let complete = true;
  const valued = balances.map((b) => {
    const price = USD_STABLES.has(b.asset) ? "1" : prices.get(b.asset);
    if (!price) {
      complete = false;
      return { ...b, valueUsdt: null };
    }
    const value = new Decimal(b.total).mul(price);
    total = total.add(value);
    return { ...b, valueUsdt: value.toFixed(2) };
  });
  return { balances: valued, totalUsdt: complete || total.gt(0) ? total.toFixed(2) : null };
}

export async function accountSnapshot(userId: string, accountId: string, client: ExchangeClient): Promise<AccountSnapshot> {
  const empty: AccountSnapshot = { balances: [], totalUsdt: null, openOrders: [], markets: [], error: null };
  try {
    await reconcileAccountOrders(userId, client, accountId);
    const [balances, openOrders, markets] = await Promise.all([
      client.balance(),
      client.openOrders(),
      client.markets(),
    ]);
    await recordBalance(userId, accountId, balances);
    const valued = await valueBalances(client, balances);
    return { ...valued, openOrders: openOrders.sort((a, b) => b.timestamp - a.timestamp), markets, error: null };
  } catch (error) {
    if (error instanceof ExchangeError) return { ...empty, error };
    throw error;
  }
}
