import "server-only";
import { and, asc, eq, inArray, ne, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { exchangeAccounts, orders, strategies, strategyPositions, type ExchangeAccount, type OrderRow } from "@/db/schema";
import { clientForAccount, type ExchangeClient } from "@/lib/exchanges";
import { reconcileAccount } from "@/lib/reconcile/account";
import { bookFunding, fundingDueAccounts } from "./funding";
import { LIVE_STATUSES, resolveRow, settle } from "./lifecycle";
import { strategyBlock } from "./may-trade";
import { protect, type PriceCache } from "./protection";
import { log } from "@/lib/logger";
import { notifyKeyFailing } from "@/lib/notifications/engine-events";

// Bounded work per account and per pass: one busy account cannot starve the others.
const ACCOUNTS_PER_PASS = 200;
const ROWS_PER_ACCOUNT = 100;

/**
 * Brings one row up to date with the exchange: fills booked, lost answers resolved (and orders proven
 * never placed sent again until their deadline). Armed stops are our own rows: `protect` handles them.
 */
async function checkRow(row: OrderRow, client: ExchangeClient) {
  if (row.type === "stop" && row.status === "open") return;
  if (row.status === "sending" || row.status === "unknown" || row.status === "retry") {
    // A re-send obeys the strategy's switches as the drain's would.
    const strategyId = row.strategyId;
    await resolveRow(row, client, { recheck: strategyId ? () => strategyBlock(strategyId, row.side === "buy" ? "entry" : "exit") : undefined });
    return;
  }
  const found = await client.findOrderByClientId(row.clientOrderId, row.symbol);
  if (found) await settle(row, found, client);
}

/** Rows of an account that may still change or whose fills are not all booked, least recently seen first. */
async function trackedRows(accountId: string) {
  const db = await getDb();
  return db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.accountId, accountId),
        or(
          inArray(orders.status, LIVE_STATUSES),
          // An order that ended with fills not booked yet (a crash between storing and booking, an answer
          // without a price): canceled and expired ones too, or their partial fill is never booked.
          and(inArray(orders.status, ["filled", "canceled", "expired"]), ne(orders.filled, orders.appliedFilled)),
        ),
      ),
    )
    .orderBy(asc(orders.updatedAt))
    .limit(ROWS_PER_ACCOUNT);
}

/** Checks one account's orders against the exchange (also what a page view of the account does). */
export async function checkAccountOrders(client: ExchangeClient, accountId: string) {
  let checked = 0;
  for (const row of await trackedRows(accountId)) {
    try {
      await checkRow(row, client);
      checked += 1;
    } catch (error) {
      log({ orderId: row.id }).warn({ err: error }, "order could not be checked");
    }
  }
  return checked;
}

/**
 * Strategies on the account that hold something, still have protective orders resting, or last showed a
 * protection state (one more pass records that nothing is left to protect).
 */
async function positionsToProtect(accountId: string) {
  const db = await getDb();
  return db
    .select({ id: strategies.id })
    .from(strategies)
    .leftJoin(strategyPositions, eq(strategyPositions.strategyId, strategies.id))
    .where(
      and(
        eq(strategies.accountId, accountId),
        or(
          // A perpetual short is held too (negative).
          ne(strategyPositions.amount, "0"),
          ne(strategyPositions.protection, "none"),
          sql`exists (select 1 from ${orders} o where o.strategy_id = ${strategies.id} and o.leg in ('tp', 'sl') and o.status in ('sending', 'unknown', 'retry', 'open', 'partially_filled'))`,
        ),
      ),
    );
}

async function monitorAccount(account: ExchangeAccount, prices: PriceCache) {
  const trading = await getAccountForTrading(account.userId, account.id);
  if (!trading) return 0;
  const client = await clientForAccount(trading);
  let checked = await checkAccountOrders(client, account.id);
  for (const { id } of await positionsToProtect(account.id)) {
    try {
      await protect(id, client, prices);
      checked += 1;
    } catch (error) {
      log({ strategyId: id }).warn({ err: error }, "protection could not be checked");
    }
  }
  // Perpetuals: funding payments into the strategies' P&L, at most every few minutes per account.
  await bookFunding(trading, client).catch((error: unknown) => log({ accountId: account.id }).warn({ err: error }, "funding could not be read"));
  // Booked against held, right after the fills were brought up to date; at most every few minutes per account.
  await reconcileAccount(trading, { client }).catch((error: unknown) => log({ accountId: account.id }).warn({ err: error }, "account could not be reconciled"));
  return checked;
}

/**
 * The order monitor: every account with live orders, unbooked fills or positions to protect is checked
 * each pass, the one checked longest ago first, with bounded work per account. It books fills, resolves
 * lost answers, keeps every position's take-profit and stop-loss in place and fires crossed stops.
 */
export async function monitorOrders({ budgetMs = 25_000, accountsPerPass = ACCOUNTS_PER_PASS }: { budgetMs?: number; accountsPerPass?: number } = {}) {
  const db = await getDb();
  const deadline = Date.now() + budgetMs;
  const live = sql.join(LIVE_STATUSES.map((s) => sql`${s}`), sql`, `);
  const due = await db
    .select()
    .from(exchangeAccounts)
    .where(
      and(
        eq(exchangeAccounts.active, true),
        or(
          sql`exists (select 1 from ${orders} o where o.account_id = ${exchangeAccounts.id} and (o.status in (${live}) or (o.status in ('filled', 'canceled', 'expired') and o.filled <> o.applied_filled)))`,
          sql`exists (select 1 from ${strategies} s join ${strategyPositions} p on p.strategy_id = s.id where s.account_id = ${exchangeAccounts.id} and p.amount <> 0)`,
        ),
      ),
    )
    .orderBy(sql`${exchangeAccounts.monitoredAt} asc nulls first`)
    .limit(accountsPerPass);
  let processed = 0;
  // A price read in this pass serves every strategy on that market (a stop is checked against it).
  const prices: PriceCache = new Map();
  for (const account of due) {
    if (Date.now() > deadline) break;
    await db.update(exchangeAccounts).set({ monitoredAt: new Date() }).where(eq(exchangeAccounts.id, account.id));
    try {
      processed += await monitorAccount(account, prices);
    } catch (error) {
      log({ accountId: account.id }).warn({ err: error }, "account could not be monitored");
      await notifyKeyFailing(account, error);
    }
  }
  // Funding of accounts this pass did not visit: a perpetual closed since the last funding time may still be paid.
  for (const account of await fundingDueAccounts(accountsPerPass)) {
    if (Date.now() > deadline) break;
    if (due.some((d) => d.id === account.id)) continue;
    try {
      const trading = await getAccountForTrading(account.userId, account.id);
      if (trading) await bookFunding(trading, await clientForAccount(trading));
    } catch (error) {
      log({ accountId: account.id }).warn({ err: error }, "funding could not be read");
    }
  }
  return { processed };
}
