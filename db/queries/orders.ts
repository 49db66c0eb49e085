import "server-only";
import { and, count, desc, eq, inArray, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { exchangeAccounts, orders, type OrderLeg, type OrderRow, type OrderStatus } from "../schema";

export type OrderIntent = Pick<
  typeof orders.$inferInsert,
  "userId" | "accountId" | "source" | "clientOrderId" | "symbol" | "side" | "type" | "amount" | "price" | "sendBy"
>;

type Reader = Pick<Awaited<ReturnType<typeof getDb>>, "select">;

/**
 * The order row a strategy's intent for one event and leg wrote, if any (at most one: unique on the three).
 * `tx`: read inside that transaction.
 */
export async function intentRow(key: { strategyId: string; eventId: string; leg: OrderLeg }, tx?: Reader): Promise<OrderRow | undefined> {
  const db = tx ?? (await getDb());
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.strategyId, key.strategyId), eq(orders.eventId, key.eventId), eq(orders.leg, key.leg)));
  return row;
}

/** Written before the exchange is called: the client order id in it is the idempotency key. */
export async function insertOrderIntent(intent: OrderIntent): Promise<OrderRow> {
  const db = await getDb();
  const [row] = await db
    .insert(orders)
    .values({ ...intent, status: "sending" })
    .returning();
  return row!;
}

export interface ExchangeResult {
  status: OrderStatus;
  exchangeOrderId?: string | null;
  filled?: string;
  average?: string | null;
  cost?: string | null;
  fee?: string | null;
  feeCurrency?: string | null;
  fees?: Record<string, string> | null;
  error?: { code: string; message: string } | null;
}

/** Runs in the transaction that stores an order's new state (the notification outbox writes there). */
export type OrderStoredHook = (tx: Parameters<Parameters<Awaited<ReturnType<typeof getDb>>["transaction"]>[0]>[0], row: OrderRow) => Promise<void>;

/** Stores what the exchange said about one of our rows; answers the row as it now stands. */
export async function recordExchangeResult(orderId: string, result: ExchangeResult, onStored?: OrderStoredHook): Promise<OrderRow | undefined> {
  const db = await getDb();
  if (onStored) {
    return db.transaction(async (tx) => {
      const [row] = await tx.update(orders).set(storedResult(result)).where(eq(orders.id, orderId)).returning();
      if (row) await onStored(tx, row);
      return row;
    });
  }
  const [row] = await db
    .update(orders)
    .set({
      status: result.status,
      ...(result.exchangeOrderId !== undefined ? { exchangeOrderId: result.exchangeOrderId } : {}),
      ...(result.filled !== undefined ? { filled: result.filled } : {}),
      ...(result.average !== undefined ? { average: result.average } : {}),
      ...(result.cost !== undefined ? { cost: result.cost } : {}),
      ...(result.fee !== undefined ? { fee: result.fee } : {}),
      ...(result.feeCurrency !== undefined ? { feeCurrency: result.feeCurrency } : {}),
      ...(result.fees !== undefined ? { fees: result.fees } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
      updatedAt: new Date(),
    })
    .where(eq(orders.id, orderId))
    .returning();
  return row;
}

function storedResult(result: ExchangeResult) {
  return {
    status: result.status,
    ...(result.exchangeOrderId !== undefined ? { exchangeOrderId: result.exchangeOrderId } : {}),
    ...(result.filled !== undefined ? { filled: result.filled } : {}),
    ...(result.average !== undefined ? { average: result.average } : {}),
    ...(result.cost !== undefined ? { cost: result.cost } : {}),
    ...(result.fee !== undefined ? { fee: result.fee } : {}),
    ...(result.feeCurrency !== undefined ? { feeCurrency: result.feeCurrency } : {}),
    ...(result.fees !== undefined ? { fees: result.fees } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
    updatedAt: new Date(),
  };
}

export async function findOrderByExchangeId(userId: string, accountId: string, exchangeOrderId: string) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.userId, userId), eq(orders.accountId, accountId), eq(orders.exchangeOrderId, exchangeOrderId)));
  return row;
}

const STATUS_GROUPS: Record<string, OrderStatus[]> = {
  open: ["sending", "retry", "open", "partially_filled"],
  filled: ["filled"],
  canceled: ["canceled", "expired"],
  rejected: ["rejected"],
  unknown: ["unknown"],
};

export type OrderStatusGroup = keyof typeof STATUS_GROUPS;

/** What the order lists show of a row (never the row wholesale). */
export const orderListFields = {
  id: orders.id,
  accountId: orders.accountId,
  accountLabel: exchangeAccounts.label,
  exchange: exchangeAccounts.exchange,
  source: orders.source,
  clientOrderId: orders.clientOrderId,
  exchangeOrderId: orders.exchangeOrderId,
  symbol: orders.symbol,
  side: orders.side,
  type: orders.type,
  amount: orders.amount,
  price: orders.price,
  status: orders.status,
  filled: orders.filled,
  average: orders.average,
  cost: orders.cost,
  fee: orders.fee,
  feeCurrency: orders.feeCurrency,
  fees: orders.fees,
  error: orders.error,
  createdAt: orders.createdAt,
};

/** The where clause of an order list: always the user's own orders. */
export function orderListFilter(opts: { userId: string; accountId?: string; symbol?: string; status?: OrderStatusGroup; side?: "buy" | "sell" }) {
  const where: SQL[] = [eq(orders.userId, opts.userId)];
  if (opts.accountId) where.push(eq(orders.accountId, opts.accountId));
  if (opts.symbol) where.push(eq(orders.symbol, opts.symbol));
  if (opts.side) where.push(eq(orders.side, opts.side));
  if (opts.status) where.push(inArray(orders.status, STATUS_GROUPS[opts.status] ?? []));
  return and(...where);
}

export async function listOrders(opts: {
  userId: string;
  accountId?: string;
  symbol?: string;
  status?: OrderStatusGroup;
  side?: "buy" | "sell";
  page?: number;
  pageSize?: number;
}) {
  const db = await getDb();
  const pageSize = opts.pageSize ?? 20;
  const page = Math.max(1, opts.page ?? 1);
  const filter = orderListFilter(opts);
  const [rows, [total]] = await Promise.all([
    db
      .select(orderListFields)
      .from(orders)
      .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, orders.accountId))
      .where(filter)
      .orderBy(desc(orders.createdAt))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ n: count() }).from(orders).where(filter),
  ]);
  return { rows, total: total?.n ?? 0, page, pageSize };
}

export type OrderListRow = Awaited<ReturnType<typeof listOrders>>["rows"][number];

export async function listOrderSymbols(userId: string, accountId?: string) {
  const db = await getDb();
  const rows = await db
    .selectDistinct({ symbol: orders.symbol })
    .from(orders)
    .where(accountId ? and(eq(orders.userId, userId), eq(orders.accountId, accountId)) : eq(orders.userId, userId))
    .orderBy(orders.symbol);
  return rows.map((r) => r.symbol);
}
