import "server-only";
import Decimal from "decimal.js";
import { and, eq, inArray, ne, or } from "drizzle-orm";
import { getDb } from "@/db/client";
import { claimReconciliation, finishReconciliation, openMismatchKeys, saveComparisons } from "@/db/queries/reconcile";
import { orders, strategies, strategyPositions, type ExchangeAccount } from "@/db/schema";
import { recordBalance } from "@/lib/accounts/balance-snapshots";
import { clientForAccount, ExchangeError, type ExchangeClient } from "@/lib/exchanges";
import { baseOf, comparePerpetual, compareSpot, type BookedLine, type Comparison } from "./compare";
import { log } from "@/lib/logger";
import { notifyMismatches } from "@/lib/notifications/engine-events";

/** How often an account is compared, how soon after a venue failure, and how long one run may hold it. */
export const reconcileTiming = { everyMs: 5 * 60_000, retryMs: 60_000, leaseMs: 2 * 60_000 };

export type ReconcileResult =
  | { outcome: "skipped" }
  | { outcome: "venue_error"; code: string }
  | { outcome: "reconciled"; open: number; resolved: number; unsettled: string[] };

const perpSymbol = (symbol: string) => (symbol.includes(":") ? symbol : `${symbol}:${symbol.split("/")[1] ?? "USDT"}`);

async function bookedLines(accountId: string): Promise<BookedLine[]> {
  const db = await getDb();
  const rows = await db
    .select({ strategyId: strategies.id, symbol: strategies.symbol, amount: strategyPositions.amount })
    .from(strategies)
    .leftJoin(strategyPositions, eq(strategyPositions.strategyId, strategies.id))
    .where(eq(strategies.accountId, accountId));
  return rows.map((r) => ({ strategyId: r.strategyId, symbol: r.symbol, amount: r.amount ?? "0" }));
}

/** Symbols with an order whose outcome or booking is pending: what the venue shows may not be booked yet. */
async function symbolsInFlight(accountId: string) {
  const db = await getDb();
  const rows = await db
    .selectDistinct({ symbol: orders.symbol })
    .from(orders)
    .where(and(eq(orders.accountId, accountId), or(inArray(orders.status, ["sending", "unknown", "retry"]), ne(orders.filled, orders.appliedFilled))));
  return rows.map((r) => r.symbol);
}

/** The key a booked line is compared under: its base asset on spot, its perpetual symbol on a swap client. */
const keyOf = (perp: boolean) => (symbol: string) => (perp ? perpSymbol(symbol) : baseOf(symbol));

function sums(lines: BookedLine[], key: (symbol: string) => string) {
  const out = new Map<string, string>();
  for (const l of lines) out.set(key(l.symbol), new Decimal(out.get(key(l.symbol)) ?? 0).add(l.amount).toFixed());
  return out;
}

/**
 * Reads the venue once and compares it with what the account's strategies booked. The booked figures are
 * read before and after the venue: an asset whose booking moved in between, or with an order in flight,
 * is left for the next run (a fill the venue already shows but we have not booked is not a difference).
 */
async function compareAccount(account: ExchangeAccount, client: ExchangeClient): Promise<{ comparisons: Comparison[]; unsettled: string[] }> {
  const perp = typeof client.positions === "function";
  const key = keyOf(perp);
  const before = await bookedLines(account.id);
  const reopen = (await openMismatchKeys(account.id)).filter((k) => k.market === (perp ? "swap" : "spot")).map((k) => k.asset);
  const symbols = [...new Set(before.map((l) => (perp ? perpSymbol(l.symbol) : l.symbol)).concat(perp ? reopen : []))];

  const steps = new Map<string, string>();
  for (const symbol of symbols) {
    const market = await client.market(symbol);
    const step = perp ? new Decimal(market.amountStep).mul(market.contractSize ?? 1) : new Decimal(market.amountStep);
    const k = key(symbol);
    if (step.gt(steps.get(k) ?? 0)) steps.set(k, step.toFixed());
  }
  let comparisons: Comparison[];
  if (perp) {
    const positions = await client.positions!(symbols.length ? symbols : undefined);
    comparisons = comparePerpetual(before.map((l) => ({ ...l, symbol: perpSymbol(l.symbol) })), positions, steps, reopen);
  } else {
    const balances = await client.balance();
    void recordBalance(account.userId, account.id, balances);
    comparisons = compareSpot(before, balances, steps, reopen);
  }

  const after = await bookedLines(account.id);
  const [was, now] = [sums(before, key), sums(after, key)];
  const unsettled = new Set((await symbolsInFlight(account.id)).map(key));
  for (const k of new Set([...was.keys(), ...now.keys()])) if (was.get(k) !== now.get(k)) unsettled.add(k);
  return { comparisons: comparisons.filter((c) => !unsettled.has(c.asset)), unsettled: [...unsettled] };
}

/**
 * Compares one account's booked positions with the venue and records the differences (never trades).
 * At most one run per account at a time and per `reconcileTiming.everyMs` (`force` skips the wait, not
 * the lease). A venue failure leaves every finding as it was and brings the account back sooner.
 */
export async function reconcileAccount(account: ExchangeAccount, opts: { client?: ExchangeClient; force?: boolean } = {}): Promise<ReconcileResult> {
  if (!(await claimReconciliation({ accountId: account.id, leaseMs: reconcileTiming.leaseMs, force: opts.force }))) return { outcome: "skipped" };
  let result: { comparisons: Comparison[]; unsettled: string[] };
  try {
    result = await compareAccount(account, opts.client ?? (await clientForAccount(account)));
  } catch (error) {
    const code = error instanceof ExchangeError ? error.code : "unknown";
    log({ accountId: account.id }).warn({ err: error }, "reconciliation postponed");
    await finishReconciliation({ accountId: account.id, againInMs: reconcileTiming.retryMs, error: code });
    return { outcome: "venue_error", code };
  }
  try {
    const saved = await saveComparisons({
      userId: account.userId,
      accountId: account.id,
      comparisons: result.comparisons,
      onSaved: async (tx, { open }) => {
        if (open > 0) await notifyMismatches(tx, account.id, account.label);
      },
    });
    await finishReconciliation({ accountId: account.id, againInMs: reconcileTiming.everyMs });
    return { outcome: "reconciled", ...saved, unsettled: result.unsettled };
  } catch (error) {
    await finishReconciliation({ accountId: account.id, againInMs: reconcileTiming.retryMs, error: "internal" });
    throw error;
  }
}
