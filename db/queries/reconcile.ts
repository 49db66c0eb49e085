import "server-only";
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { getDb } from "../client";
import { accountReconciliations, exchangeAccounts, positionMismatches, users, type MismatchKind, type MismatchMarket } from "../schema";

/**
 * Takes an account's reconciliation for `leaseMs` when it is due (or `force`d) and nobody holds it:
 * one statement, so two instances never both run it. False when it is not theirs to run.
 */
export async function claimReconciliation({ accountId, leaseMs, force = false }: { accountId: string; leaseMs: number; force?: boolean }) {
  const db = await getDb();
  const leaseUntil = sql`now() + ${`${leaseMs} milliseconds`}::interval`;
  const free = sql`(${accountReconciliations.leaseUntil} is null or ${accountReconciliations.leaseUntil} < now())`;
  const due = force ? sql`true` : sql`(${accountReconciliations.nextAt} is null or ${accountReconciliations.nextAt} <= now())`;
  const rows = await db
    .insert(accountReconciliations)
    .values({ accountId, leaseUntil })
    .onConflictDoUpdate({ target: accountReconciliations.accountId, set: { leaseUntil }, setWhere: sql`${free} and ${due}` })
    .returning({ accountId: accountReconciliations.accountId });
  return rows.length > 0;
}

/** Lets the lease go and says when the account is due again; `error` keeps the venue's failure code. */
export async function finishReconciliation({ accountId, againInMs, error }: { accountId: string; againInMs: number; error?: string }) {
  const db = await getDb();
  await db
    .update(accountReconciliations)
    .set({
      leaseUntil: null,
      nextAt: sql`now() + ${`${againInMs} milliseconds`}::interval`,
      lastError: error ?? null,
      ...(error ? {} : { checkedAt: sql`now()` }),
    })
    .where(eq(accountReconciliations.accountId, accountId));
}

export interface MismatchValues {
  market: MismatchMarket;
  asset: string;
  kind: MismatchKind | null;
  booked: string;
  held: string;
  difference: string;
  tolerance: string;
  strategyIds: string[];
}

type Tx = Parameters<Parameters<Awaited<ReturnType<typeof getDb>>["transaction"]>[0]>[0];

/** Runs in the transaction that saved a reconciliation's findings (the notification outbox writes there). */
export type ComparisonsSavedHook = (tx: Tx, saved: { open: number; resolved: number }) => Promise<void>;

/**
 * Records what one reconciliation saw, in one transaction: a difference opens a finding or updates the
 * open one in place (first seen stays), an agreement resolves the open one. Assets not passed are left
 * as they are.
 */
export async function saveComparisons({
  userId,
  accountId,
  comparisons,
  onSaved,
}: {
  userId: string;
  accountId: string;
  comparisons: MismatchValues[];
  onSaved?: ComparisonsSavedHook;
}) {
  const db = await getDb();
  return db.transaction(async (tx) => {
    let opened = 0;
    let resolved = 0;
    for (const c of comparisons) {
      const key = and(eq(positionMismatches.accountId, accountId), eq(positionMismatches.market, c.market), eq(positionMismatches.asset, c.asset), isNull(positionMismatches.resolvedAt));
      if (!c.kind) {
        const done = await tx.update(positionMismatches).set({ resolvedAt: sql`now()`, held: c.held, booked: c.booked, difference: c.difference }).where(key).returning({ id: positionMismatches.id });
        resolved += done.length;
        continue;
      }
      const figures = { kind: c.kind, booked: c.booked, held: c.held, difference: c.difference, tolerance: c.tolerance, strategyIds: c.strategyIds };
      await tx
        .insert(positionMismatches)
        .values({ userId, accountId, market: c.market, asset: c.asset, ...figures })
        .onConflictDoUpdate({
          target: [positionMismatches.accountId, positionMismatches.market, positionMismatches.asset],
          targetWhere: sql`${positionMismatches.resolvedAt} is null`,
          set: { ...figures, lastSeenAt: sql`now()` },
        });
      opened += 1;
    }
    const saved = { open: opened, resolved };
    if (onSaved) await onSaved(tx, saved);
    return saved;
  });
}

/** The open findings' keys of one account (they are compared again even when nothing is booked now). */
export async function openMismatchKeys(accountId: string) {
  const db = await getDb();
  return db
    .select({ market: positionMismatches.market, asset: positionMismatches.asset })
    .from(positionMismatches)
    .where(and(eq(positionMismatches.accountId, accountId), isNull(positionMismatches.resolvedAt)));
}

const listColumns = {
  id: positionMismatches.id,
  accountId: positionMismatches.accountId,
  accountLabel: exchangeAccounts.label,
  exchange: exchangeAccounts.exchange,
  market: positionMismatches.market,
  asset: positionMismatches.asset,
  kind: positionMismatches.kind,
  booked: positionMismatches.booked,
  held: positionMismatches.held,
  difference: positionMismatches.difference,
  strategyIds: positionMismatches.strategyIds,
  firstSeenAt: positionMismatches.firstSeenAt,
  lastSeenAt: positionMismatches.lastSeenAt,
};

export type OpenMismatch = Awaited<ReturnType<typeof listOpenMismatches>>[number];

/** The signed-in trader's open findings. */
export async function listOpenMismatches({ userId }: { userId: string }) {
  const db = await getDb();
  return db
    .select(listColumns)
    .from(positionMismatches)
    .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, positionMismatches.accountId))
    .where(and(eq(positionMismatches.userId, userId), isNull(positionMismatches.resolvedAt)))
    .orderBy(desc(positionMismatches.firstSeenAt));
}

/** Every user's open findings, newest first, and how many there are: for the admin overview only. */
export async function listAllOpenMismatches({ limit = 20 }: { limit?: number } = {}) {
  const db = await getDb();
  const [rows, [total]] = await Promise.all([
    db
      .select({ ...listColumns, userName: users.name, userEmail: users.email })
      .from(positionMismatches)
      .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, positionMismatches.accountId))
      .innerJoin(users, eq(users.id, positionMismatches.userId))
      .where(isNull(positionMismatches.resolvedAt))
      .orderBy(desc(positionMismatches.firstSeenAt))
      .limit(limit),
    db.select({ n: count() }).from(positionMismatches).where(isNull(positionMismatches.resolvedAt)),
  ]);
  return { rows, total: total?.n ?? 0 };
}
