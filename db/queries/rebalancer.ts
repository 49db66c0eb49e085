import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { getDb } from "../client";
import { exchangeAccounts, orders, rebalanceRunOrders, rebalanceRuns, rebalancers, strategies, strategyPositions, type OrderRow, type RebalanceRun, type Rebalancer } from "../schema";
import type { DbTx } from "./notifications";
import type { OrderIntent } from "./orders";

export type RebalancerSettings = Pick<Rebalancer, "quote" | "targets" | "intervalHours" | "driftPct" | "minTradeQuote" | "dryRun" | "enabled">;

export async function getRebalancer({ userId, accountId }: { userId: string; accountId: string }): Promise<Rebalancer | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(rebalancers).where(and(eq(rebalancers.accountId, accountId), eq(rebalancers.userId, userId)));
  return row;
}

/** Creates or replaces the account's settings; the account must be the user's. */
export async function saveRebalancer({ userId, accountId, settings }: { userId: string; accountId: string; settings: RebalancerSettings }) {
  const db = await getDb();
  const [account] = await db.select({ id: exchangeAccounts.id }).from(exchangeAccounts).where(and(eq(exchangeAccounts.id, accountId), eq(exchangeAccounts.userId, userId)));
  if (!account) return false;
  await db
    .insert(rebalancers)
    .values({ accountId, userId, ...settings })
    .onConflictDoUpdate({ target: rebalancers.accountId, set: { ...settings, updatedAt: new Date() }, setWhere: eq(rebalancers.userId, userId) });
  return true;
}

/**
 * Takes the account's lease when free (or lapsed): one rebalancing worker per account at a time. Answers
 * the claim's token, which alone renews and releases it, or null when another worker holds the lease.
 */
export async function claimRebalanceLease({ accountId, leaseMs }: { accountId: string; leaseMs: number }): Promise<string | null> {
  const db = await getDb();
  const token = randomUUID();
  const rows = await db
    .update(rebalancers)
    .set({ leaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`, leaseToken: token })
    .where(and(eq(rebalancers.accountId, accountId), or(isNull(rebalancers.leaseUntil), lt(rebalancers.leaseUntil, sql`now()`))))
    .returning({ accountId: rebalancers.accountId });
  return rows.length > 0 ? token : null;
}

/**
 * Extends the lease while the run works; false when another worker claimed it meanwhile (this one's ran
 * out), and the caller then stops. A lapsed lease nobody claimed is still this worker's.
 */
export async function renewRebalanceLease({ accountId, token, leaseMs }: { accountId: string; token: string; leaseMs: number }): Promise<boolean> {
  const db = await getDb();
  const rows = await db
    .update(rebalancers)
    .set({ leaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where(and(eq(rebalancers.accountId, accountId), eq(rebalancers.leaseToken, token)))
    .returning({ accountId: rebalancers.accountId });
  return rows.length > 0;
}

/**
 * Frees the lease only while it is still the token's: a worker whose lease ran out never frees the one a
 * second worker holds now. When the run started or the drift was read is written either way. Answers
 * whether the lease is free afterwards.
 */
export async function releaseRebalanceLease({ accountId, token, ranAt, driftCheckedAt }: { accountId: string; token: string; ranAt?: Date; driftCheckedAt?: Date }): Promise<boolean> {
  const db = await getDb();
  const own = sql`${rebalancers.leaseToken} is not distinct from ${token}`;
  const rows = await db
    .update(rebalancers)
    .set({
      leaseUntil: sql`case when ${own} then null else ${rebalancers.leaseUntil} end`,
      leaseToken: sql`case when ${own} then null else ${rebalancers.leaseToken} end`,
      ...(ranAt ? { lastRunAt: ranAt } : {}),
      ...(driftCheckedAt ? { driftCheckedAt } : {}),
    })
    .where(and(eq(rebalancers.accountId, accountId), ranAt || driftCheckedAt ? undefined : own))
    .returning({ released: sql<boolean>`${rebalancers.leaseToken} is null` });
  return rows[0]?.released ?? false;
}

/** Settings of every account whose rebalancer is on and free, the one run longest ago first. */
export async function enabledRebalancers(limit: number): Promise<Rebalancer[]> {
  const db = await getDb();
  return db
    .select()
    .from(rebalancers)
    .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, rebalancers.accountId))
    .where(
      and(
        // Switched off mid-run: its unfinished run is still moved on to the end.
        or(eq(rebalancers.enabled, true), sql`exists (select 1 from ${rebalanceRuns} r where r.account_id = ${rebalancers.accountId} and r.status = 'running')`),
        eq(exchangeAccounts.active, true),
        or(isNull(rebalancers.leaseUntil), lt(rebalancers.leaseUntil, sql`now()`)),
      ),
    )
    .orderBy(sql`${rebalancers.lastRunAt} asc nulls first`)
    .limit(limit)
    .then((rows) => rows.map((r) => r.rebalancers));
}

/** A new run, or the account's unfinished one (a crashed run is resumed, never doubled). */
export async function startRun(values: Pick<RebalanceRun, "userId" | "accountId" | "trigger" | "dryRun">): Promise<{ run: RebalanceRun; resumed: boolean }> {
  const db = await getDb();
  const [created] = await db.insert(rebalanceRuns).values(values).onConflictDoNothing().returning();
  if (created) return { run: created, resumed: false };
  const [running] = await db.select().from(rebalanceRuns).where(and(eq(rebalanceRuns.accountId, values.accountId), eq(rebalanceRuns.status, "running")));
  return { run: running!, resumed: true };
}

export async function unfinishedRun(accountId: string): Promise<RebalanceRun | undefined> {
  const db = await getDb();
  const [run] = await db.select().from(rebalanceRuns).where(and(eq(rebalanceRuns.accountId, accountId), eq(rebalanceRuns.status, "running")));
  return run;
}

export async function getRun(runId: string): Promise<RebalanceRun | undefined> {
  const db = await getDb();
  const [run] = await db.select().from(rebalanceRuns).where(eq(rebalanceRuns.id, runId));
  return run;
}

export async function updateRun(runId: string, values: Partial<Pick<RebalanceRun, "status" | "reason" | "valuation" | "plannedTrades" | "finishedAt">>) {
  const db = await getDb();
  await db.update(rebalanceRuns).set(values).where(eq(rebalanceRuns.id, runId));
}

/**
 * Stores a run's plan only if it has none yet, and answers the plan the run keeps: a second worker that
 * resumed the run (its lease ran out) never replaces the legs the first one numbered its orders by.
 */
export async function setRunPlanOnce(runId: string, values: Pick<RebalanceRun, "valuation" | "plannedTrades">): Promise<Pick<RebalanceRun, "valuation" | "plannedTrades">> {
  const db = await getDb();
  const [stored] = await db
    .update(rebalanceRuns)
    .set(values)
    .where(and(eq(rebalanceRuns.id, runId), isNull(rebalanceRuns.plannedTrades)))
    .returning({ valuation: rebalanceRuns.valuation, plannedTrades: rebalanceRuns.plannedTrades });
  if (stored) return stored;
  const [kept] = await db.select({ valuation: rebalanceRuns.valuation, plannedTrades: rebalanceRuns.plannedTrades }).from(rebalanceRuns).where(eq(rebalanceRuns.id, runId));
  return kept ?? values;
}

/**
 * Marks a running run finished, once, and in the same transaction lets the caller write what follows
 * from it (its notification). Answers the finished run, or undefined when it was no longer running.
 */
export async function finishRun(
  runId: string,
  values: Pick<RebalanceRun, "status" | "reason">,
  then: (tx: DbTx, run: RebalanceRun) => Promise<void>,
): Promise<RebalanceRun | undefined> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [run] = await tx
      .update(rebalanceRuns)
      .set({ ...values, finishedAt: new Date() })
      .where(and(eq(rebalanceRuns.id, runId), eq(rebalanceRuns.status, "running")))
      .returning();
    if (run) await then(tx, run);
    return run;
  });
}

/**
 * The order row of a run's leg, written once: a second call (a resumed run) finds the first one's row by
 * its client order id instead of writing another. `inserted` says whether this call wrote it.
 */
export async function legOrder({ runId, leg, intent }: { runId: string; leg: number; intent: OrderIntent }): Promise<{ row: OrderRow; inserted: boolean }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [inserted] = await tx.insert(orders).values({ ...intent, status: "sending" }).onConflictDoNothing().returning();
    const row = inserted ?? (await tx.select().from(orders).where(and(eq(orders.accountId, intent.accountId), eq(orders.clientOrderId, intent.clientOrderId))))[0]!;
    await tx.insert(rebalanceRunOrders).values({ runId, leg, orderId: row.id }).onConflictDoNothing();
    return { row, inserted: Boolean(inserted) };
  });
}

export async function runOrderRows(runId: string): Promise<(OrderRow & { runLeg: number })[]> {
  const db = await getDb();
  const rows = await db
    .select({ order: orders, leg: rebalanceRunOrders.leg })
    .from(rebalanceRunOrders)
    .innerJoin(orders, eq(orders.id, rebalanceRunOrders.orderId))
    .where(eq(rebalanceRunOrders.runId, runId))
    .orderBy(asc(rebalanceRunOrders.leg));
  return rows.map((r) => ({ ...r.order, runLeg: r.leg }));
}

export type RunOrderView = Pick<OrderRow, "id" | "symbol" | "side" | "amount" | "filled" | "average" | "cost" | "fees" | "status"> & { runId: string; leg: number };

/** The account's latest runs with their orders (fields picked for the page), scoped to the user. */
export async function listRuns({ userId, accountId, limit = 20 }: { userId: string; accountId: string; limit?: number }) {
  const db = await getDb();
  const runs = await db
    .select()
    .from(rebalanceRuns)
    .where(and(eq(rebalanceRuns.userId, userId), eq(rebalanceRuns.accountId, accountId)))
    .orderBy(desc(rebalanceRuns.startedAt))
    .limit(limit);
  const ids = runs.map((r) => r.id);
  const legs: RunOrderView[] = ids.length
    ? await db
        .select({
          runId: rebalanceRunOrders.runId,
          leg: rebalanceRunOrders.leg,
          id: orders.id,
          symbol: orders.symbol,
          side: orders.side,
          amount: orders.amount,
          filled: orders.filled,
          average: orders.average,
          cost: orders.cost,
          fees: orders.fees,
          status: orders.status,
        })
        .from(rebalanceRunOrders)
        .innerJoin(orders, and(eq(orders.id, rebalanceRunOrders.orderId), eq(orders.userId, userId)))
        .where(inArray(rebalanceRunOrders.runId, ids))
        .orderBy(asc(rebalanceRunOrders.leg))
    : [];
  return runs.map((run) => ({ ...run, orders: legs.filter((l) => l.runId === run.id) }));
}

/**
 * Base amounts the account's strategies hold, per symbol: the rebalancer leaves them to their strategies.
 * What the book holds (the position) moved by the fills the venue already reported and the book has not
 * booked yet (a fill waits for its fee to be read): a bought coin is on the venue before it is booked, a
 * sold one gone from it.
 */
export async function strategyHoldings(accountId: string): Promise<{ symbol: string; amount: string }[]> {
  const db = await getDb();
  const unbooked = sql<string>`coalesce((
    select sum(case when o.side = 'buy' then o.filled - o.applied_filled else o.applied_filled - o.filled end)
    from ${orders} o where o.strategy_id = ${strategies}.id and o.filled > o.applied_filled
  ), 0)`;
  const amount = sql<string>`greatest(coalesce(${strategyPositions.amount}, 0) + ${unbooked}, 0)`;
  return db
    .select({ symbol: strategies.symbol, amount: sql<string>`(${amount})::text` })
    .from(strategies)
    .leftJoin(strategyPositions, eq(strategyPositions.strategyId, strategies.id))
    .where(and(eq(strategies.accountId, accountId), sql`${amount} > 0`));
}
