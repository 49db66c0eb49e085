import "server-only";
import { log } from "@/lib/logger";
import Decimal from "decimal.js";
import { getDb } from "@/db/client";
import { openMismatchesOf, realizedPnlBetween, usersWithFillsBetween, type DbTx } from "@/db/queries/notifications";
import { bookLedgerPnl } from "@/lib/statistics/ledger-pnl";
import { ExchangeError } from "@/lib/exchanges";
import { emitSafely } from "./emit";
import type { NotificationEventInput } from "./types";

/**
 * Emits in a transaction of its own: only for what no write of ours causes (a venue refusing a key while
 * the monitor reads); the dedupe key keeps it to once.
 */
async function emitAlone(event: NotificationEventInput) {
  try {
    const db = await getDb();
    await db.transaction((tx) => emitSafely(tx, event));
  } catch (error) {
    log({ type: event.type }).warn({ err: error }, "notification not recorded");
  }
}

/** The key failures a trader has to fix on the venue's side, from an exchange's refusal. */
export function keyFailure(error: unknown): string | null {
  if (!(error instanceof ExchangeError)) return null;
  const text = error.message.toLowerCase();
  if (/\bban(ned)?\b/.test(text)) return "banned";
  if (/\bip\b|whitelist|not in the allowed/.test(text)) return "ip_not_allowed";
  if (error.code === "auth") return "invalid_key";
  if (error.code === "permission") return "permission";
  return null;
}

/** An exchange key that stopped working: at most once an hour per account and cause. */
export async function notifyKeyFailing(account: { id: string; userId: string; label: string }, error: unknown, now = new Date()) {
  const reason = keyFailure(error);
  if (!reason) return;
  await emitAlone({
    userId: account.userId,
    type: "key.failing",
    dedupeKey: `key.failing:${account.id}:${reason}:${now.toISOString().slice(0, 13)}`,
    payload: { account: account.label, accountId: account.id, reason },
  });
}

/** Reconciliation's open findings of an account, in the transaction that saved them: each finding notified once. */
export async function notifyMismatches(tx: DbTx, accountId: string, accountLabel: string) {
  for (const m of await openMismatchesOf(tx, accountId)) {
    await emitSafely(tx, {
      userId: m.userId,
      type: "position.mismatch",
      dedupeKey: `position.mismatch:${m.id}`,
      payload: { account: accountLabel, symbol: m.asset, kind: m.kind, difference: m.difference },
    });
  }
}

const TRANSIENT_NOTES = ["removing:", "stop_waits_for_cancel:", "tp_replacing:"];

/** A position that just lost its working stop (not one briefly between two of its own orders). */
export async function notifyProtection(
  tx: DbTx,
  position: { strategyId: string; userId: string; strategy: string; symbol: string },
  before: string | null,
  after: { state: string; note: string | null },
) {
  if (after.state !== "unprotected" || before === "unprotected") return;
  if (after.note && TRANSIENT_NOTES.some((n) => after.note!.startsWith(n))) return;
  await emitSafely(tx, {
    userId: position.userId,
    type: "position.unprotected",
    dedupeKey: `position.unprotected:${position.strategyId}:${new Date().toISOString()}`,
    payload: { strategy: position.strategy, symbol: position.symbol, reason: after.note },
  });
}

/**
 * A strategy (or every strategy on a symbol, or all of them) switched off by the user, a kill switch or
 * an error: in the transaction that switched it off.
 */
export async function notifyStrategyStopped(
  tx: DbTx,
  input: { userId: string; scope: "strategy" | "symbol" | "all"; strategy: string; reason: "user" | "kill_switch" | "error"; changeId: string },
) {
  await emitSafely(tx, {
    userId: input.userId,
    type: "strategy.stopped",
    dedupeKey: `strategy.stopped:${input.changeId}`,
    payload: { scope: input.scope, strategy: input.strategy, reason: input.reason },
  });
}

/** A security alert in the bell and on Telegram, in the transaction that records it; its email is sent by lib/auth as before. */
export async function notifySecurity(tx: DbTx, input: { userId: string; reason: "new_device" | "lockout"; changeId: string }) {
  await emitSafely(tx, { userId: input.userId, type: "security.alert", dedupeKey: `security.alert:${input.reason}:${input.changeId}`, payload: { reason: input.reason } });
}

const globalForSummary = globalThis as unknown as { __sbDailySummary?: string };

/**
 * Yesterday's (UTC) realised P&L per account and quote currency, once a day: the drain calls this
 * every pass, it works once per process and day, and the dedupe key keeps several processes to one.
 */
export async function emitDailySummaries(now = new Date()) {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const label = new Date(day.getTime() - 86_400_000).toISOString().slice(0, 10);
  if (globalForSummary.__sbDailySummary === label) return 0;
  const range = { from: new Date(day.getTime() - 86_400_000), to: day };
  for (const userId of await usersWithFillsBetween(range)) await bookLedgerPnl({ userId });
  const db = await getDb();
  // The figures are read in the transaction that writes the summaries: one snapshot for all of them.
  const size = await db.transaction(async (tx) => {
    const rows = await realizedPnlBetween(tx, range);
    const byAccount = new Map<string, { userId: string; accountId: string; account: string; currency: string; pnl: Decimal }>();
    for (const r of rows) {
      const currency = r.symbol.split("/")[1]?.split(":")[0] ?? "";
      const key = `${r.accountId}:${currency}`;
      const entry = byAccount.get(key) ?? { userId: r.userId, accountId: r.accountId, account: r.account, currency, pnl: new Decimal(0) };
      entry.pnl = entry.pnl.add(r.pnl ?? "0");
      byAccount.set(key, entry);
    }
    for (const e of byAccount.values()) {
      await emitSafely(tx, {
        userId: e.userId,
        type: "daily.summary",
        dedupeKey: `daily.summary:${e.accountId}:${e.currency}:${label}`,
        payload: { account: e.account, currency: e.currency, pnl: e.pnl.toFixed(), day: label },
      });
    }
    return byAccount.size;
  });
  globalForSummary.__sbDailySummary = label;
  return size;
}
