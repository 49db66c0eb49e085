import "server-only";
import { and, asc, count, desc, eq, gte, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import { getDb } from "../client";
import { exchangeAccounts, orders, signalEvents, strategies, strategyExecutions } from "../schema";
import { orderListFields, orderListFilter, type OrderListRow, type OrderStatusGroup } from "./orders";

export type ActivityView = "all" | "orders" | "skips";
export type ActivityStatus = OrderStatusGroup | "skipped";

export type SkipListRow = Awaited<ReturnType<typeof skipsByIds>>[number];
export type ActivityOrderRow = OrderListRow & { strategyName: string | null; kind: "order" };
export type ActivityRow = ActivityOrderRow | SkipListRow;

export interface ActivityFilters {
  userId: string;
  view?: ActivityView;
  accountId?: string;
  strategyId?: string;
  symbol?: string;
  status?: ActivityStatus;
  side?: "buy" | "sell";
  /** Only what happened at or after it (the period filter). */
  since?: Date;
}

/** Where the list reads from: a status filter is about orders; `skipped` means the skips alone. */
function sources(opts: ActivityFilters) {
  const view = opts.status === "skipped" ? "skips" : (opts.view ?? "all");
  return { withOrders: view !== "skips", withSkips: view === "skips" || (view === "all" && !opts.status) };
}

function orderFilter(opts: ActivityFilters): SQL {
  const where: SQL[] = [orderListFilter({ ...opts, status: opts.status === "skipped" ? undefined : opts.status })!];
  if (opts.strategyId) where.push(eq(orders.strategyId, opts.strategyId));
  if (opts.since) where.push(gte(orders.createdAt, opts.since));
  return and(...where)!;
}

/**
 * Signals that led to no order: skipped, or failed before an order existed (a failure with an order
 * shows as that order). Always the user's own strategies.
 */
function skipFilter(opts: ActivityFilters): SQL {
  const where: SQL[] = [
    eq(strategies.userId, opts.userId),
    inArray(strategyExecutions.outcome, ["skipped", "failed"]),
    isNull(strategyExecutions.orderId),
  ];
  if (opts.accountId) where.push(eq(strategies.accountId, opts.accountId));
  if (opts.strategyId) where.push(eq(strategyExecutions.strategyId, opts.strategyId));
  if (opts.symbol) where.push(eq(signalEvents.symbol, opts.symbol));
  if (opts.side) where.push(inArray(strategyExecutions.leg, opts.side === "buy" ? ["buy"] : ["sell", "close"]));
  if (opts.since) where.push(gte(strategyExecutions.createdAt, opts.since));
  return and(...where)!;
}

async function skipsByIds(ids: number[]) {
  if (ids.length === 0) return [];
  const db = await getDb();
  const rows = await db
    .select({
      id: strategyExecutions.id,
      strategyId: strategyExecutions.strategyId,
      strategyName: strategies.name,
      accountLabel: exchangeAccounts.label,
      symbol: signalEvents.symbol,
      action: strategyExecutions.leg,
      price: signalEvents.price,
      test: signalEvents.test,
      outcome: strategyExecutions.outcome,
      reason: strategyExecutions.reason,
      detail: strategyExecutions.detail,
      createdAt: strategyExecutions.createdAt,
    })
    .from(strategyExecutions)
    .innerJoin(strategies, eq(strategies.id, strategyExecutions.strategyId))
    .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, strategies.accountId))
    .innerJoin(signalEvents, eq(signalEvents.id, strategyExecutions.eventId))
    .where(inArray(strategyExecutions.id, ids));
  return rows.map((r) => ({ ...r, kind: "skip" as const }));
}

/** The ids of the matching orders and skips with their time, as one subquery to sort and page. */
async function activityIds(opts: ActivityFilters) {
  const db = await getDb();
  const { withOrders, withSkips } = sources(opts);
  const skipIds = db
    .select({ kind: sql<string>`'skip'`.as("kind"), id: sql<string>`${strategyExecutions.id}::text`.as("id"), at: sql<Date>`${strategyExecutions.createdAt}`.as("at") })
    .from(strategyExecutions)
    .innerJoin(strategies, eq(strategies.id, strategyExecutions.strategyId))
    .innerJoin(signalEvents, eq(signalEvents.id, strategyExecutions.eventId))
    .where(skipFilter(opts));
  const orderIds = db
    .select({ kind: sql<string>`'order'`.as("kind"), id: sql<string>`${orders.id}::text`.as("id"), at: sql<Date>`${orders.createdAt}`.as("at") })
    .from(orders)
    .where(orderFilter(opts));
  const ids = withOrders && withSkips ? unionAll(orderIds, skipIds) : withOrders ? orderIds : skipIds;
  return { db, ids: ids.as("activity"), withOrders, withSkips };
}

async function hydrate(opts: ActivityFilters, picked: { kind: string; id: string }[]): Promise<ActivityRow[]> {
  const db = await getDb();
  const orderPage = picked.filter((p) => p.kind === "order").map((p) => p.id);
  const [orderRows, skipRows] = await Promise.all([
    orderPage.length
      ? db
          .select({ ...orderListFields, strategyName: strategies.name })
          .from(orders)
          .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, orders.accountId))
          .leftJoin(strategies, and(eq(strategies.id, orders.strategyId), eq(strategies.userId, opts.userId)))
          .where(and(eq(orders.userId, opts.userId), inArray(orders.id, orderPage)))
      : Promise.resolve([]),
    skipsByIds(picked.filter((p) => p.kind === "skip").map((p) => Number(p.id))),
  ]);
  const byKey = new Map<string, ActivityRow>([
    ...orderRows.map((r): [string, ActivityRow] => [`order:${r.id}`, { ...r, kind: "order" }]),
    ...skipRows.map((r): [string, ActivityRow] => [`skip:${r.id}`, r]),
  ]);
  return picked.flatMap((p) => byKey.get(`${p.kind}:${p.id}`) ?? []);
}

/**
 * The Orders page's list: orders and skipped signals together, newest first, filtered and paged. A
 * status filter is about orders, so it leaves the skips out (unless it is `skipped`).
 */
export async function listOrderActivity(opts: ActivityFilters & { page?: number; pageSize?: number }) {
  const pageSize = opts.pageSize ?? 20;
  const page = Math.max(1, opts.page ?? 1);
  const { db, ids, withOrders, withSkips } = await activityIds(opts);
  const countSkips = withSkips
    ? db
        .select({ n: count() })
        .from(strategyExecutions)
        .innerJoin(strategies, eq(strategies.id, strategyExecutions.strategyId))
        .innerJoin(signalEvents, eq(signalEvents.id, strategyExecutions.eventId))
        .where(skipFilter(opts))
    : Promise.resolve([{ n: 0 }]);
  const countOrders = withOrders ? db.select({ n: count() }).from(orders).where(orderFilter(opts)) : Promise.resolve([{ n: 0 }]);
  const [picked, [skipTotal], [orderTotal]] = await Promise.all([
    db
      .select({ kind: ids.kind, id: ids.id })
      .from(ids)
      .orderBy(desc(ids.at), desc(ids.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    countSkips,
    countOrders,
  ]);
  const rows = await hydrate(opts, picked);
  return { rows, total: (skipTotal?.n ?? 0) + (orderTotal?.n ?? 0), page, pageSize };
}

/**
 * Every matching row, newest first, read in keyset pages of `batchSize` (the time and id of the last
 * row, never an offset), so an export of any size holds one page at a time.
 */
export async function* orderActivityBatches(opts: ActivityFilters, batchSize = 1000): AsyncGenerator<ActivityRow[]> {
  const { db, ids } = await activityIds(opts);
  let cursor: { at: string; id: string } | undefined;
  for (;;) {
    const picked = await db
      .select({ kind: ids.kind, id: ids.id, at: sql<string>`${ids.at}::text` })
      .from(ids)
      .where(cursor ? sql`(${ids.at}, ${ids.id}) < (${cursor.at}::timestamptz, ${cursor.id})` : undefined)
      .orderBy(desc(ids.at), desc(ids.id))
      .limit(batchSize);
    if (picked.length === 0) return;
    yield await hydrate(opts, picked);
    if (picked.length < batchSize) return;
    const last = picked[picked.length - 1]!;
    cursor = { at: last.at, id: last.id };
  }
}

/** The markets the Orders page offers as a filter: those of the user's orders and strategies. */
export async function listActivitySymbols(userId: string) {
  const db = await getDb();
  const rows = await unionAll(
    db.selectDistinct({ symbol: orders.symbol }).from(orders).where(eq(orders.userId, userId)),
    db.selectDistinct({ symbol: strategies.symbol }).from(strategies).where(eq(strategies.userId, userId)),
  );
  return [...new Set(rows.map((r) => r.symbol))].sort();
}

/** The accounts and strategies the Orders page offers as filters: the user's own. */
export async function listActivityFilterOptions(userId: string) {
  const db = await getDb();
  const [accounts, strategyRows] = await Promise.all([
    db.select({ id: exchangeAccounts.id, label: exchangeAccounts.label }).from(exchangeAccounts).where(eq(exchangeAccounts.userId, userId)).orderBy(asc(exchangeAccounts.createdAt)),
    db.select({ id: strategies.id, name: strategies.name }).from(strategies).where(eq(strategies.userId, userId)).orderBy(asc(strategies.createdAt)),
  ]);
  return { accounts, strategies: strategyRows };
}
