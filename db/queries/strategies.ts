import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "../client";
import {
  exchangeAccounts,
  orders,
  signals,
  strategies,
  strategyExecutions,
  strategyPositions,
  symbolSwitches,
  users,
  type Strategy,
} from "../schema";

import type { OrderStatus } from "../schema";

/** Orders that may still fill: resting, being sent, or waiting to be (re)sent. */
export const OPEN_STATUSES: OrderStatus[] = ["sending", "unknown", "retry", "open", "partially_filled"];

/**
 * Every strategy on a signal for one symbol, with every switch it depends on: one query for the fan-out,
 * however many strategies there are. Switches are read here, at execution time, so they act at once.
 */
export async function strategiesForEvent(signalId: string, symbol: string, onlyStrategyId?: string | null) {
  const db = await getDb();
  return db
    .select({
      strategy: strategies,
      role: users.role,
      userDisabled: users.disabled,
      tradingEnabled: users.tradingEnabled,
      tradingKeepsExits: users.tradingKeepsExits,
      symbolEnabled: symbolSwitches.enabled,
      symbolKeepsExits: symbolSwitches.keepsExits,
      accountActive: exchangeAccounts.active,
    })
    .from(strategies)
    .innerJoin(users, eq(users.id, strategies.userId))
    .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, strategies.accountId))
    .leftJoin(symbolSwitches, and(eq(symbolSwitches.userId, strategies.userId), eq(symbolSwitches.symbol, strategies.symbol)))
    .where(
      and(
        eq(strategies.signalId, signalId),
        eq(strategies.symbol, symbol),
        onlyStrategyId ? eq(strategies.id, onlyStrategyId) : undefined,
      ),
    )
    .orderBy(asc(strategies.accountId), asc(strategies.createdAt));
}

export type PlanRow = Awaited<ReturnType<typeof strategiesForEvent>>[number];

export async function listUserStrategies(userId: string) {
  const db = await getDb();
  const openCount = sql<number>`(select count(*)::int from ${orders} o where o.strategy_id = ${strategies.id} and o.status in ('sending','unknown','retry','open','partially_filled') and o.leg <> 'sl')`;
  return db
    .select({
      strategy: strategies,
      signalName: signals.name,
      accountLabel: exchangeAccounts.label,
      exchange: exchangeAccounts.exchange,
      position: strategyPositions,
      openOrders: openCount,
      symbolEnabled: symbolSwitches.enabled,
    })
    .from(strategies)
    .innerJoin(signals, eq(signals.id, strategies.signalId))
    .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, strategies.accountId))
    .leftJoin(strategyPositions, eq(strategyPositions.strategyId, strategies.id))
    .leftJoin(symbolSwitches, and(eq(symbolSwitches.userId, strategies.userId), eq(symbolSwitches.symbol, strategies.symbol)))
    .where(eq(strategies.userId, userId))
    .orderBy(asc(strategies.createdAt));
}

export async function getUserStrategy(userId: string, strategyId: string): Promise<Strategy | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(strategies).where(and(eq(strategies.userId, userId), eq(strategies.id, strategyId)));
  return row;
}

export async function insertStrategy(values: typeof strategies.$inferInsert) {
  const db = await getDb();
  const [row] = await db.insert(strategies).values(values).returning();
  return row!;
}

type Tx = Parameters<Parameters<Awaited<ReturnType<typeof getDb>>["transaction"]>[0]>[0];

/** Runs in the transaction of a switch's change (the notification outbox writes there). */
export type SwitchedHook<T = void> = (tx: Tx, changed: T) => Promise<void>;

export async function updateStrategy(userId: string, strategyId: string, values: Partial<typeof strategies.$inferInsert>, onUpdated?: SwitchedHook<Strategy>) {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(strategies)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(strategies.userId, userId), eq(strategies.id, strategyId)))
      .returning();
    if (row && onUpdated) await onUpdated(tx, row);
    return row;
  });
}

export async function deleteStrategy(userId: string, strategyId: string) {
  const db = await getDb();
  const [row] = await db.delete(strategies).where(and(eq(strategies.userId, userId), eq(strategies.id, strategyId))).returning({ id: strategies.id });
  return row;
}

export async function recentExecutions(strategyIds: string[], limit = 10) {
  if (strategyIds.length === 0) return [];
  const db = await getDb();
  return db
    .select({
      id: strategyExecutions.id,
      strategyId: strategyExecutions.strategyId,
      leg: strategyExecutions.leg,
      outcome: strategyExecutions.outcome,
      reason: strategyExecutions.reason,
      detail: strategyExecutions.detail,
      createdAt: strategyExecutions.createdAt,
      orderStatus: orders.status,
      orderAmount: orders.amount,
      orderFilled: orders.filled,
      orderAverage: orders.average,
      orderSide: orders.side,
    })
    .from(strategyExecutions)
    .leftJoin(orders, eq(orders.id, strategyExecutions.orderId))
    .where(inArray(strategyExecutions.strategyId, strategyIds))
    .orderBy(desc(strategyExecutions.createdAt), desc(strategyExecutions.id))
    .limit(limit * strategyIds.length);
}

export async function strategyOrderStats(strategyIds: string[]) {
  if (strategyIds.length === 0) return [];
  const db = await getDb();
  return db
    .select({
      strategyId: orders.strategyId,
      filled: sql<number>`count(*) filter (where ${orders.status} = 'filled')::int`,
      open: sql<number>`count(*) filter (where ${orders.status} in ('sending','unknown','retry','open','partially_filled'))::int`,
    })
    .from(orders)
    .where(inArray(orders.strategyId, strategyIds))
    .groupBy(orders.strategyId);
}

export async function listSymbolSwitches(userId: string) {
  const db = await getDb();
  const used = await db.selectDistinct({ symbol: strategies.symbol }).from(strategies).where(eq(strategies.userId, userId));
  const switches = await db.select().from(symbolSwitches).where(eq(symbolSwitches.userId, userId));
  const state = new Map(switches.map((s) => [s.symbol, s]));
  const symbols = new Set([...used.map((u) => u.symbol), ...state.keys()]);
  return [...symbols].sort().map((symbol) => ({ symbol, enabled: state.get(symbol)?.enabled ?? true, keepsExits: state.get(symbol)?.keepsExits ?? true }));
}

/** A symbol with no switch row trades. */
export async function getSymbolSwitch(userId: string, symbol: string) {
  const db = await getDb();
  const [row] = await db
    .select({ enabled: symbolSwitches.enabled, keepsExits: symbolSwitches.keepsExits })
    .from(symbolSwitches)
    .where(and(eq(symbolSwitches.userId, userId), eq(symbolSwitches.symbol, symbol)));
  return row ?? { enabled: true, keepsExits: true };
}

/** Off with `keepsExits` pauses entries only; off without it stops everything. */
export async function setSymbolSwitch(userId: string, symbol: string, enabled: boolean, keepsExits = true, onSwitched?: SwitchedHook) {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx
      .insert(symbolSwitches)
      .values({ userId, symbol, enabled, keepsExits })
      .onConflictDoUpdate({ target: [symbolSwitches.userId, symbolSwitches.symbol], set: { enabled, keepsExits, updatedAt: new Date() } });
    if (onSwitched) await onSwitched(tx);
  });
}

export async function setTradingEnabled(userId: string, enabled: boolean, keepsExits = true, onSwitched?: SwitchedHook) {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.update(users).set({ tradingEnabled: enabled, tradingKeepsExits: keepsExits, updatedAt: new Date() }).where(eq(users.id, userId));
    if (onSwitched) await onSwitched(tx);
  });
}

export async function getTradingState(userId: string) {
  const db = await getDb();
  const [row] = await db.select({ enabled: users.tradingEnabled, keepsExits: users.tradingKeepsExits }).from(users).where(eq(users.id, userId));
  return row ?? { enabled: false, keepsExits: false };
}

export async function listEnabledSignals() {
  const db = await getDb();
  return db.select({ id: signals.id, name: signals.name, description: signals.description }).from(signals).where(eq(signals.enabled, true)).orderBy(asc(signals.name));
}

/** The numbers on the overview: what the user has set up and what it has done (one query). */
export async function overviewCounts(userId: string) {
  const db = await getDb();
  const [row] = await db
    .select({
      accounts: sql<number>`(select count(*)::int from ${exchangeAccounts} a where a.user_id = ${userId})`,
      strategies: sql<number>`(select count(*)::int from ${strategies} s where s.user_id = ${userId})`,
      activeStrategies: sql<number>`(select count(*)::int from ${strategies} s where s.user_id = ${userId} and s.enabled)`,
      orders: sql<number>`(select count(*)::int from ${orders} o where o.user_id = ${userId})`,
      openOrders: sql<number>`(select count(*)::int from ${orders} o where o.user_id = ${userId} and o.status in ('sending','unknown','retry','open','partially_filled'))`,
      realizedPnl: sql<string>`(select coalesce(sum(p.realized_pnl), 0)::text from ${strategyPositions} p join ${strategies} s on s.id = p.strategy_id where s.user_id = ${userId})`,
    })
    .from(sql`(select 1) as one`);
  return row ?? { accounts: 0, strategies: 0, activeStrategies: 0, orders: 0, openOrders: 0, realizedPnl: "0" };
}
