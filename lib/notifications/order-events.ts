import "server-only";
import { eq, sql } from "drizzle-orm";
import type { DbTx } from "@/db/queries/notifications";
import { exchangeAccounts, strategies, type OrderRow } from "@/db/schema";
import { ExchangeError, type ExchangeErrorCode } from "@/lib/exchanges";
import { emitSafely } from "./emit";
import { keyFailure } from "./engine-events";
import type { NotificationEventType } from "./types";

function eventOf(row: OrderRow): { type: NotificationEventType; key: string } | null {
  switch (row.status) {
    case "open":
      return { type: "order.placed", key: "placed" };
    case "filled":
      if (row.leg === "tp") return { type: "exit.take_profit", key: "filled" };
      if (row.leg === "sl") return { type: "exit.stop_loss", key: "filled" };
      return { type: "order.filled", key: "filled" };
    // The other leg of a take-profit/stop-loss pair ends canceled when one fires: not news.
    case "canceled":
      return row.leg === "tp" || row.leg === "sl" ? null : { type: "order.canceled", key: "canceled" };
    case "rejected":
      return { type: "order.rejected", key: "rejected" };
    default:
      return null;
  }
}

/**
 * The order lifecycle's hook: runs in the transaction that stores an order's new state and writes the
 * matching event. The dedupe key is the order and its outcome, so recording the same state twice (a
 * monitor pass after the sender's) emits once.
 */
export async function notifyOrderStored(tx: DbTx, row: OrderRow): Promise<void> {
  const event = eventOf(row);
  if (!event) return;
  // The names are read inside the event's savepoint: a failed read is contained like a failed write.
  let account: string | null = null;
  await emitSafely(tx, async (savepoint) => {
    // Both names in one statement (the strategy's by a subquery: a manual order has none).
    const [names] = await savepoint
      .select({
        label: exchangeAccounts.label,
        strategy: row.strategyId ? sql<string | null>`(select ${strategies.name} from ${strategies} where ${strategies.id} = ${row.strategyId})` : sql<null>`null`,
      })
      .from(exchangeAccounts)
      .where(eq(exchangeAccounts.id, row.accountId));
    const strategy = names?.strategy ? { name: names.strategy } : undefined;
    account = names?.label ?? null;
    return {
      userId: row.userId,
      type: event.type,
      dedupeKey: `order.${event.key}:${row.id}`,
      payload: {
        orderId: row.id,
        symbol: row.symbol,
        side: row.side,
        amount: row.status === "filled" ? row.filled : row.amount,
        price: row.average ?? row.price ?? null,
        account,
        strategy: strategy?.name ?? null,
        reason: row.error?.code ?? null,
      },
    };
  });
  const keyReason = row.status === "rejected" && row.error ? keyFailure(new ExchangeError(row.error.code as ExchangeErrorCode, row.error.message)) : null;
  if (keyReason) {
    await emitSafely(tx, {
      userId: row.userId,
      type: "key.failing",
      dedupeKey: `key.failing:${row.accountId}:${keyReason}:${new Date().toISOString().slice(0, 13)}`,
      payload: { account, accountId: row.accountId, reason: keyReason },
    });
  }
}

/** A skipped signal leg (the engine's decision, with its reason), once per strategy, event and leg. */
export async function notifyOrderSkipped(tx: DbTx, values: { strategyId: string; eventId: string; leg: string; reason?: string | null }) {
  await emitSafely(tx, async (savepoint) => {
    const [strategy] = await savepoint
      .select({ userId: strategies.userId, name: strategies.name, symbol: strategies.symbol })
      .from(strategies)
      .where(eq(strategies.id, values.strategyId));
    if (!strategy) return null;
    return {
      userId: strategy.userId,
      type: "order.skipped",
      dedupeKey: `order.skipped:${values.strategyId}:${values.eventId}:${values.leg}`,
      payload: { strategy: strategy.name, symbol: strategy.symbol, leg: values.leg, reason: values.reason ?? null },
    };
  });
}

/**
 * A signal leg the engine gave up on for an error before any order was written (a key the venue refuses,
 * a key that cannot be read): the strategy did not act on the signal and will not retry it. A refused
 * order already tells of itself (order.rejected), so this is only for failures without one.
 */
export async function notifyExecutionFailed(tx: DbTx, values: { strategyId: string; eventId: string; leg: string; reason?: string | null }) {
  await emitSafely(tx, async (savepoint) => {
    const [strategy] = await savepoint.select({ userId: strategies.userId, name: strategies.name }).from(strategies).where(eq(strategies.id, values.strategyId));
    if (!strategy) return null;
    return {
      userId: strategy.userId,
      type: "strategy.stopped",
      dedupeKey: `strategy.stopped:error:${values.strategyId}:${values.eventId}:${values.leg}`,
      payload: { scope: "strategy", strategy: strategy.name, reason: "error", error: values.reason ?? "unknown" },
    };
  });
}
