import "server-only";
import Decimal from "decimal.js";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { accountsDueForEquity, saveEquitySnapshot } from "@/db/queries/statistics";
import { clientForAccount, type BalanceLine, type Ticker } from "@/lib/exchanges";
import { USD_QUOTES } from "./figures";
import { bookAllLedgerPnl } from "./ledger-pnl";
import { log } from "@/lib/logger";

/** Snapshots are taken at most once per slot per account; the cron runs every minute, so at least hourly. */
export const EQUITY_SLOT_MS = 5 * 60_000;
const ACCOUNTS_PER_PASS = 50;
const LEDGER_USERS_PER_PASS = 20;

export const equitySlot = (now: Date) => new Date(Math.floor(now.getTime() / EQUITY_SLOT_MS) * EQUITY_SLOT_MS);

/** Balances valued in USDT: stablecoins 1:1, other assets at their X/USDT last price, unpriced ones apart. */
export function valueInUsdt(lines: BalanceLine[], tickers: Ticker[]) {
  const prices = new Map(tickers.map((t) => [t.symbol, t.last]));
  let equity = new Decimal(0);
  const balances: Record<string, { total: string; usdt: string | null }> = {};
  const unpriced: string[] = [];
  for (const line of lines) {
    const total = new Decimal(line.total);
    if (total.isZero()) continue;
    const price = USD_QUOTES.has(line.asset) ? "1" : prices.get(`${line.asset}/USDT`);
    if (!price) {
      unpriced.push(line.asset);
      balances[line.asset] = { total: total.toFixed(), usdt: null };
      continue;
    }
    const usdt = total.mul(price);
    equity = equity.add(usdt);
    balances[line.asset] = { total: total.toFixed(), usdt: usdt.toFixed() };
  }
  return { equityUsdt: equity.toFixed(), balances, unpriced };
}

async function snapshotAccount(userId: string, accountId: string, slot: Date) {
  const account = await getAccountForTrading(userId, accountId);
  if (!account) return false;
  const client = await clientForAccount(account);
  const lines = await client.balance();
  const symbols = lines.filter((l) => !USD_QUOTES.has(l.asset) && !new Decimal(l.total).isZero()).map((l) => `${l.asset}/USDT`);
  const tickers = symbols.length ? await client.tickers(symbols) : [];
  return saveEquitySnapshot({ userId, accountId, slot, ...valueInUsdt(lines, tickers) });
}

/**
 * One equity snapshot per active account for the current slot (part of the sync cycle). Two passes at
 * once may both read an account; the slot's unique key keeps one row. Returns how many it wrote.
 * With `userId`, only that user's accounts (the Statistics page asks after it has answered, so a
 * deployment whose cron is late still gets a current value).
 */
export async function snapshotEquity({ budgetMs = 20_000, now = new Date(), userId: only }: { budgetMs?: number; now?: Date; userId?: string } = {}) {
  const deadline = Date.now() + budgetMs;
  const slot = equitySlot(now);
  let processed = 0;
  for (const { id, userId } of await accountsDueForEquity({ slot, limit: ACCOUNTS_PER_PASS, userId: only })) {
    if (Date.now() > deadline) break;
    try {
      if (await snapshotAccount(userId, id, slot)) processed += 1;
    } catch (error) {
      log({ accountId: id }).warn({ err: error }, "equity could not be read");
    }
  }
  // New fills' FIFO P&L is worked out here too, so the pages that sum it seldom have any left to do.
  if (!only && Date.now() < deadline) await bookAllLedgerPnl({ limit: LEDGER_USERS_PER_PASS }).catch((error: unknown) => log().warn({ err: error }, "ledger P&L not worked out"));
  return { processed };
}
