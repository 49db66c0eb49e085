import "server-only";
import Decimal from "decimal.js";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { claimRebalanceLease, enabledRebalancers, releaseRebalanceLease, unfinishedRun } from "@/db/queries/rebalancer";
import type { Rebalancer } from "@/db/schema";
import { clientForAccount } from "@/lib/exchanges";
import { log } from "@/lib/logger";
import { maxDrift } from "./plan";
import { currentValuation, rebalanceAccount, rebalanceTiming } from "./run";

const PER_PASS = 50;
// The drift check reads the venue: at most this often per account.
export const DRIFT_CHECK_MS = 5 * 60_000;

/** When the interval rule next fires (null: no interval; the past: due now). */
export function nextRunAt(settings: Pick<Rebalancer, "intervalHours" | "lastRunAt">, now = new Date()): Date | null {
  if (!settings.intervalHours) return null;
  if (!settings.lastRunAt) return now;
  return new Date(settings.lastRunAt.getTime() + settings.intervalHours * 3_600_000);
}

/** Values the account and answers whether an asset drifted past the threshold (the lease is held meanwhile). */
async function drifted(settings: Rebalancer): Promise<boolean> {
  const token = await claimRebalanceLease({ accountId: settings.accountId, leaseMs: rebalanceTiming.leaseMs });
  if (!token) return false;
  try {
    const account = await getAccountForTrading(settings.userId, settings.accountId);
    if (!account?.active) return false;
    const valuation = await currentValuation(settings, await clientForAccount(account));
    return new Decimal(valuation.total).gt(0) && new Decimal(maxDrift(valuation)).gt(settings.driftPct!);
  } finally {
    await releaseRebalanceLease({ accountId: settings.accountId, token, driftCheckedAt: new Date() });
  }
}

/**
 * The cron's rebalancing pass: resumes unfinished runs, then starts those due by their interval or, read
 * at most every few minutes, by drift past the threshold. Returns how many runs it moved.
 */
export async function rebalanceDue({ budgetMs = 10_000, now = new Date() }: { budgetMs?: number; now?: Date } = {}) {
  const deadline = Date.now() + budgetMs;
  let processed = 0;
  for (const settings of await enabledRebalancers(PER_PASS)) {
    if (Date.now() > deadline) break;
    try {
      const due = nextRunAt(settings, now);
      let trigger: "interval" | "drift" | null = (await unfinishedRun(settings.accountId)) || (due && due <= now) ? "interval" : null;
      const driftDue = !settings.driftCheckedAt || now.getTime() - settings.driftCheckedAt.getTime() >= DRIFT_CHECK_MS;
      if (!trigger && settings.driftPct && driftDue && (await drifted(settings))) trigger = "drift";
      if (!trigger) continue;
      const outcome = await rebalanceAccount(settings, { trigger });
      if (outcome.status !== "busy") processed += 1;
    } catch (error) {
      log({ accountId: settings.accountId }).warn({ err: error }, "rebalance pass failed for the account");
    }
  }
  return { processed };
}
