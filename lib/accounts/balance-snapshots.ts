import "server-only";
import Decimal from "decimal.js";
import { getBalanceSnapshot, listBalanceSnapshots, saveBalanceSnapshot, type BalanceSnapshot } from "@/db/queries/balance-snapshots";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { getRateLimiter } from "@/lib/ratelimit";
import { clientForAccount, ExchangeError, type BalanceLine, type ExchangeErrorCode } from "@/lib/exchanges";
import { log } from "@/lib/logger";

export type { BalanceSnapshot };

// The quote currency a card shows, first held wins; an account holding none of them shows 0 USDT.
const QUOTES = ["USDT", "USDC", "FDUSD", "USD"];
/** A card refreshes its balance when the stored one is older than this, at most once per window per account. */
export const BALANCE_MAX_AGE_MS = 2 * 60_000;
/** However stale the snapshot, one account's balance is read from a card at most this often. */
const REFRESH_EVERY_MS = 20_000;
/** How long a card waits on the exchange before it settles for the stored balance. */
const CARD_WAIT_MS = 4_000;

/** The quote-currency total and how many other assets are held. */
export function summarizeBalances(lines: BalanceLine[]): { quoteAsset: string; quoteTotal: string; otherAssets: number } {
  const held = lines.filter((l) => !new Decimal(l.total).isZero());
  const quote = QUOTES.find((q) => held.some((l) => l.asset === q)) ?? QUOTES[0]!;
  const total = held.find((l) => l.asset === quote)?.total ?? "0";
  return { quoteAsset: quote, quoteTotal: new Decimal(total).toFixed(), otherAssets: held.filter((l) => l.asset !== quote).length };
}

/** Stores a balance just read, whoever read it (never throws: a snapshot is a convenience). */
export async function recordBalance(userId: string, accountId: string, lines: BalanceLine[], takenAt = new Date()): Promise<BalanceSnapshot> {
  const snapshot = { accountId, ...summarizeBalances(lines), takenAt };
  await saveBalanceSnapshot({ userId, ...snapshot }).catch((error: unknown) => {
    log().warn({ err: error }, "saving a balance snapshot failed");
  });
  return snapshot;
}

export async function balanceSnapshots(userId: string): Promise<Map<string, BalanceSnapshot>> {
  return new Map((await listBalanceSnapshots({ userId })).map((s) => [s.accountId, s]));
}

export interface CardBalance {
  snapshot: BalanceSnapshot | null;
  /** Set when the refresh failed or took too long: the snapshot shown (if any) is the stored one. */
  error: ExchangeErrorCode | null;
}

/**
 * An account card's balance: the stored one while it is recent, else a fresh read through the shared
 * per-venue budget. A venue slower than a few seconds is not waited for: the stored balance is shown, and
 * the read, when it lands, still stores its answer for the next visit.
 */
export async function cardBalance(userId: string, accountId: string, now = Date.now()): Promise<CardBalance> {
  const stored = (await getBalanceSnapshot({ userId, accountId })) ?? null;
  if (stored && now - stored.takenAt.getTime() < BALANCE_MAX_AGE_MS) return { snapshot: stored, error: null };
  const account = await getAccountForTrading(userId, accountId);
  if (!account) return { snapshot: null, error: null };
  // A key the venue refuses is not asked again on every view (the live pages refresh often).
  const limiter = await getRateLimiter();
  if (!(await limiter.hit(`balance-refresh:${accountId}`, { limit: 1, windowMs: REFRESH_EVERY_MS })).allowed) return { snapshot: stored, error: null };
  const read = (async () => {
    const client = await clientForAccount(account);
    const lines = await client.balance();
    return recordBalance(userId, accountId, lines);
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), CARD_WAIT_MS);
  });
  try {
    const fresh = await Promise.race([read, late]);
    if (fresh === "late") {
      read.catch(() => undefined);
      return { snapshot: stored, error: "network" };
    }
    return { snapshot: fresh, error: null };
  } catch (error) {
    return { snapshot: stored, error: error instanceof ExchangeError ? error.code : "unknown" };
  } finally {
    clearTimeout(timer);
  }
}
