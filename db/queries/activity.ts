import "server-only";
import { and, count, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import { getDb } from "../client";
import { exchangeAccounts, orders, signalEvents, strategies, strategyExecutions } from "../schema";
import { listOrders, orderListFields, orderListFilter, type OrderListRow, type OrderStatusGroup } from "./orders";

export type ActivityView = "all" | "orders" | "skips";

export type SkipListRow = Awaited<ReturnType<typeof skipsByIds>>[number];
export type ActivityRow = (OrderListRow & { kind: "order" }) | SkipListRow;

interface ActivityQuery {
  userId: string;
  view: ActivityView;
  symbol?: string;
  status?: OrderStatusGroup;
  side?: "buy" | "sell";
  page?: number;
  pageSize?: number;
}

/**
 * Signals that led to no order: skipped, or failed before an order existed (a failure with an order
 * shows as that order). Always the user's own strategies.
 */
function skipFilter(opts: Pick<ActivityQuery, "userId" | "symbol" | "side">): SQL {
  const where: SQL[] = [
    eq(strategies.userId, opts.userId),
    inArray(strategyExecutions.outcome, ["skipped", "failed"]),
    isNull(strategyExecutions.orderId),
  ];
  if (opts.symbol) where.push(eq(signalEvents.symbol, opts.symbol));
  if (opts.side) where.push(inArray(strategyExecutions.leg, opts.side === "buy" ? ["buy"] : ["sell", "close"]));
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

/**
 * The Orders page's list: orders and skipped signals together, newest first, filtered and paged. A
 * status filter is about orders, so it leaves the skips out.
 */
export async function listOrderActivity(opts: ActivityQuery) {
  const pageSize = opts.pageSize ?? 20;
  const page = Math.max(1, opts.page ?? 1);
  const withOrders = opts.view !== "skips";
  const withSkips = opts.view === "skips" || (opts.view === "all" && !opts.status);
  if (!withSkips) {
    const list = await listOrders({ ...opts, page, pageSize });
    return { ...list, rows: list.rows.map((r): ActivityRow => ({ ...r, kind: "order" })) };
  }

  const db = await getDb();
  const orderWhere = orderListFilter(opts);
  const skipWhere = skipFilter(opts);
  const skipIds = db
    .select({ kind: sql<string>`'skip'`.as("kind"), id: sql<string>`${strategyExecutions.id}::text`.as("id"), at: sql<string>`${strategyExecutions.createdAt}`.as("at") })
    .from(strategyExecutions)
    .innerJoin(strategies, eq(strategies.id, strategyExecutions.strategyId))
    .innerJoin(signalEvents, eq(signalEvents.id, strategyExecutions.eventId))
    .where(skipWhere);
  const orderIds = db
    .select({ kind: sql<string>`'order'`.as("kind"), id: sql<string>`${orders.id}::text`.as("id"), at: sql<string>`${orders.createdAt}`.as("at") })
    .from(orders)
    .where(orderWhere);
  const countSkips = db
    .select({ n: count() })
    .from(strategyExecutions)
    .innerJoin(strategies, eq(strategies.id, strategyExecutions.strategyId))
    .innerJoin(signalEvents, eq(signalEvents.id, strategyExecutions.eventId))
    .where(skipWhere);
  const countOrders = withOrders ? db.select({ n: count() }).from(orders).where(orderWhere) : Promise.resolve([{ n: 0 }]);

  const ids = withOrders ? unionAll(orderIds, skipIds) : skipIds;
  const [picked, [skipTotal], [orderTotal]] = await Promise.all([
    ids
      .orderBy(desc(sql`at`), desc(sql`id`))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    countSkips,
    countOrders,
  ]);

  const orderPage = picked.filter((p) => p.kind === "order").map((p) => p.id);
  const [orderRows, skipRows] = await Promise.all([
    orderPage.length
      ? db.select(orderListFields).from(orders).innerJoin(exchangeAccounts, eq(exchangeAccounts.id, orders.accountId)).where(and(orderWhere, inArray(orders.id, orderPage)))
      : Promise.resolve([] as OrderListRow[]),
    skipsByIds(picked.filter((p) => p.kind === "skip").map((p) => Number(p.id))),
  ]);
  const byKey = new Map<string, ActivityRow>([
    ...orderRows.map((r): [string, ActivityRow] => [`order:${r.id}`, { ...r, kind: "order" }]),
    ...skipRows.map((r): [string, ActivityRow] => [`skip:${r.id}`, r]),
  ]);
  const rows = picked.flatMap((p) => byKey.get(`${p.kind}:${p.id}`) ?? []);
  return { rows, total: (skipTotal?.n ?? 0) + (orderTotal?.n ?? 0), page, pageSize };
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
