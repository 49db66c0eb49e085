import "server-only";
import Decimal from "decimal.js";
import { and, eq, inArray, lt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { exchangeResultOf, recordExchangeResult } from "@/db/queries/orders";
import type { PlanRow } from "@/db/queries/strategies";
import { OPEN_STATUSES, strategiesForEvent } from "@/db/queries/strategies";
import { orders, strategyExecutions, type OrderRow, type SignalEvent } from "@/db/schema";
import {
  clientForAccount,
  deterministicClientOrderId,
  ExchangeError,
  isUnknownOutcome,
  type ExchangeClient,
  type ExchangeOrder,
} from "@/lib/exchanges";
import { gate, sizeOrder, type SignalAction, type SkipReason } from "./plan";
import { applyFill, positionOf } from "./positions";
import { insertWithinCaps } from "./caps";
import { entryDone, placeFollowUps } from "./follow-ups";
import { throttled } from "./throttle";

export type ExecutionOutcome = "sent" | "skipped" | "failed" | "unknown";

/** A row another drain may still be sending: the event is tried again later, not marked done. */
export class RetryLater extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "RetryLater";
  }
}

export async function recordExecution(values: {
  strategyId: string;
  eventId: string;
  leg: string;
  outcome: ExecutionOutcome | "canceled";
  reason?: string | null;
  detail?: Record<string, string> | null;
  orderId?: string | null;
}) {
  const db = await getDb();
  await db
    .insert(strategyExecutions)
    .values({ ...values, reason: values.reason ?? null, detail: values.detail ?? null, orderId: values.orderId ?? null })
    .onConflictDoUpdate({
      target: [strategyExecutions.strategyId, strategyExecutions.eventId, strategyExecutions.leg],
      set: { outcome: values.outcome, reason: values.reason ?? null, orderId: values.orderId ?? null },
    });
}

async function existingExecution(strategyId: string, eventId: string, leg: string) {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(strategyExecutions)
    .where(and(eq(strategyExecutions.strategyId, strategyId), eq(strategyExecutions.eventId, eventId), eq(strategyExecutions.leg, leg)));
  return row;
}

/** Books a known exchange state of one of our rows: status, fill, position, follow-ups. */
export async function settle(row: OrderRow, answer: ExchangeOrder, client: ExchangeClient, opts: { followUps?: boolean } = {}) {
  // A cancel's answer carries no trades: a fill it reports is booked with its fee, looked up by client id.
  const unbooked = new Decimal(answer.filled).gt(row.appliedFilled);
  const known =
    unbooked && !answer.fee
      ? ((await throttled(client, () => client.findOrderByClientId(row.clientOrderId, row.symbol)).catch(() => null)) ?? answer)
      : answer;
  const order = { ...known, average: averageOf(known) };
  await recordExchangeResult(row.id, exchangeResultOf(order));
  const market = await client.market(row.symbol).catch(() => null);
  const base = market?.base ?? row.symbol.split("/")[0]!;
  const moved = await applyFill(row, { filled: order.filled, average: order.average, fee: order.fee?.cost ?? null, feeCurrency: order.fee?.currency ?? null }, base);
  // Exits follow each booked fill of an entry, and once more when it is done (see follow-ups.ts).
  const grew = new Decimal(moved).gt(0) || (entryDone(order) && new Decimal(order.filled).gt(0));
  if (opts.followUps !== false && row.leg === "buy" && grew) await placeFollowUps(row, order, client);
}

/** Some answers give the cost of the fill but no average price; a fill is never left unbooked for that. */
function averageOf(order: ExchangeOrder): string | null {
  if (order.average) return order.average;
  const filled = new Decimal(order.filled);
  const cost = new Decimal(order.cost || 0);
  return filled.gt(0) && cost.gt(0) ? cost.div(filled).toFixed() : null;
}

/**
 * Sends the order of a row written earlier, at most once: when an earlier attempt may have reached the
 * exchange (a crash, a lost answer), the order is looked up by its client id first and sent only when the
 * exchange has never seen it.
 */
export async function sendRow(
  row: OrderRow,
  client: ExchangeClient,
  opts: { lookFirst: boolean; referencePrice?: string; guard?: () => Promise<void>; recheck?: () => Promise<SkipReason | null> },
) {
  if (opts.lookFirst) {
    const found = await throttled(client, () => client.findOrderByClientId(row.clientOrderId, row.symbol));
    if (found) {
      await settle(row, found, client);
      return { status: found.status as string };
    }
  }
  // The last check before money moves: this drain still holds the signal (throws when it does not).
  await opts.guard?.();
  try {
    const order = await throttled(client, async () => {
      // The kill switches are read again at the last moment (after any wait for the shared budget):
      // one turned off while this event fanned out stops the order before it leaves.
      const off = await opts.recheck?.();
      if (off) throw new SwitchedOff(off);
      return client.createOrder({
        symbol: row.symbol,
        side: row.side as "buy" | "sell",
        type: row.type as "market" | "limit",
        amount: row.amount,
        price: row.price ?? undefined,
        clientOrderId: row.clientOrderId,
        referencePrice: opts.referencePrice,
      });
    });
    await settle(row, order, client);
    return { status: order.status as string };
  } catch (error) {
    if (error instanceof SwitchedOff) {
      // Never sent: the row ends here, so no later drain can pick it up and send it after all.
      await recordExchangeResult(row.id, { status: "canceled", error: { code: "switched_off", message: `not sent: ${error.reason}` } });
      return { status: "switched_off", reason: error.reason };
    }
    if (!isUnknownOutcome(error)) {
      const e = error instanceof ExchangeError ? error : new ExchangeError("unknown", "order failed");
      // "Duplicate order sent" means an order with our id is live: that order is ours, not a refusal.
      const live = e.code === "invalid_order" ? await client.findOrderByClientId(row.clientOrderId, row.symbol).catch(() => null) : null;
      if (live) {
        await settle(row, live, client);
        return { status: live.status as string };
      }
      await recordExchangeResult(row.id, { status: "rejected", error: { code: e.code, message: e.message } });
      return { status: "rejected", error: e };
    }
    const found = await client.findOrderByClientId(row.clientOrderId, row.symbol).catch(() => null);
    if (found) {
      await settle(row, found, client);
      return { status: found.status as string };
    }
    // Not visible yet: it may still arrive. The order monitor looks again; it is never sent a second time.
    await recordExchangeResult(row.id, { status: "unknown", error: { code: (error as ExchangeError).code, message: "no answer" } });
    return { status: "unknown" };
  }
}

class SwitchedOff extends Error {
  constructor(public readonly reason: SkipReason) {
    super(`switched off: ${reason}`);
    this.name = "SwitchedOff";
  }
}

/** The strategy's gate, read fresh from the database (switches, roles, account) for one action. */
function freshGate(strategy: PlanRow["strategy"], action: SignalAction) {
  return async (): Promise<SkipReason | null> => {
    const [fresh] = await strategiesForEvent(strategy.signalId, strategy.symbol, strategy.id);
    if (!fresh) return "strategy_off";
    return gate({ action, strategyEnabled: fresh.strategy.enabled, ...fresh.strategy, ...fresh });
  };
}

async function cancelStrategyOrders(row: PlanRow, client: ExchangeClient) {
  const db = await getDb();
  const open = await db
    .select()
    .from(orders)
    .where(and(eq(orders.strategyId, row.strategy.id), inArray(orders.status, ["open", "partially_filled"])));
  for (const o of open) {
    if (o.type === "stop") {
      await recordExchangeResult(o.id, { status: "canceled" });
      continue;
    }
    if (!o.exchangeOrderId) continue;
    const result = await throttled(client, () => client.cancelOrder(o.exchangeOrderId!, o.symbol)).catch((e: unknown) => e);
    if (result instanceof ExchangeError && result.code === "order_not_found") {
      const found = await client.findOrderByClientId(o.clientOrderId, o.symbol).catch(() => null);
      if (found) await settle(o, found, client, { followUps: false });
    } else if (!(result instanceof Error)) {
      await settle(o, result as ExchangeOrder, client, { followUps: false });
    }
  }
  return open.length;
}

/** One event for one strategy: gate, size, write the row, send once, record what happened. */
export async function executeForStrategy(event: SignalEvent, row: PlanRow, guard?: () => Promise<void>): Promise<ExecutionOutcome> {
  const action = event.action as SignalAction;
  const leg = action;
  const strategy = row.strategy;
  const done = await existingExecution(strategy.id, event.id, leg);
  if (done && done.outcome !== "unknown") return done.outcome as ExecutionOutcome;

  const skip = async (reason: SkipReason, detail?: Record<string, string>) => {
    await recordExecution({ strategyId: strategy.id, eventId: event.id, leg, outcome: "skipped", reason, detail });
    return "skipped" as const;
  };

  const gated = gate({ action, strategyEnabled: strategy.enabled, ...strategy, ...row });
  if (gated) return skip(gated);

  const account = await getAccountForTrading(strategy.userId, strategy.accountId);
  if (!account) return skip("account_off");
  // Test signals trade on paper only, whoever sent them.
  if (event.test && account.exchange !== "paper") return skip("account_off");
  const client = await clientForAccount(account);

  if (action === "cancel") {
    const n = await cancelStrategyOrders(row, client);
    if (n === 0) return skip("nothing_to_cancel");
    await recordExecution({ strategyId: strategy.id, eventId: event.id, leg, outcome: "sent", detail: { canceled: String(n) } });
    return "sent";
  }

  const db = await getDb();
  const [existing] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.strategyId, strategy.id), eq(orders.eventId, event.id), eq(orders.leg, leg)));
  const recheck = freshGate(strategy, action);
  if (existing) return resume(existing, event, client, guard, recheck);

  // A quick skip before any exchange call; insertWithinCaps checks again, atomically, before the row is written.
  if (strategy.maxOpenOrders !== null) {
    const open = await db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.strategyId, strategy.id), inArray(orders.status, OPEN_STATUSES)));
    const entries = open.length;
    if (entries >= strategy.maxOpenOrders) return skip("max_open_orders", { max: String(strategy.maxOpenOrders) });
  }

  // Closing exits the position: the strategy's resting orders (its take-profit holds the coins) go first.
  if (action === "close") await cancelStrategyOrders(row, client);

  const market = await client.market(strategy.symbol);
  const price = event.price ?? (await throttled(client, () => client.ticker(strategy.symbol)).then((t) => t.last, () => null));
  if (!price) return skip("no_price");
  const [balances, position] = await Promise.all([throttled(client, () => client.balance()), positionOf(strategy.id)]);
  const free = (asset: string) => balances.find((b) => b.asset === asset)?.free ?? "0";
  const sized = sizeOrder({
    action,
    sizingMode: strategy.sizingMode as "quote",
    sizingValue: strategy.sizingValue,
    orderType: strategy.orderType as "market",
    limitOffsetPct: strategy.limitOffsetPct,
    price,
    market,
    freeQuote: free(market.quote),
    freeBase: free(market.base),
    positionAmount: position.amount,
  });
  if (!sized.ok) return skip(sized.reason, sized.detail);

  const capped = await insertWithinCaps(strategy, {
    userId: strategy.userId,
    accountId: strategy.accountId,
    source: event.test ? "test" : "signal",
    strategyId: strategy.id,
    eventId: event.id,
    leg,
    clientOrderId: deterministicClientOrderId(event.id, strategy.id, leg),
    symbol: market.symbol,
    side: sized.side,
    type: sized.type,
    amount: sized.amount,
    price: sized.price ?? null,
    status: "sending",
  });
  if (!capped.ok) return skip(capped.reason, capped.detail);
  const written = capped.row;
  if (!written) {
    const [other] = await db.select().from(orders).where(and(eq(orders.strategyId, strategy.id), eq(orders.eventId, event.id), eq(orders.leg, leg)));
    return other ? resume(other, event, client, guard, recheck) : "failed";
  }
  const sent = await sendRow(written, client, { lookFirst: false, referencePrice: price, guard, recheck });
  return finish(written, event, sent);
}

// A live drain sends within seconds of writing its row (exchange timeout + shared-budget wait); a row
// still "sending" after this long belongs to a drain that died.
const ABANDONED_SEND_MS = 60_000;

async function resume(
  row: OrderRow,
  event: SignalEvent,
  client: ExchangeClient,
  guard?: () => Promise<void>,
  recheck?: () => Promise<SkipReason | null>,
): Promise<ExecutionOutcome> {
  if (row.status === "unknown") {
    // The answer was lost: only ever look it up (here and in the order monitor), never send again.
    const found = await client.findOrderByClientId(row.clientOrderId, row.symbol).catch(() => null);
    if (found) await settle(row, found, client);
    return finish(row, event, { status: found ? found.status : "unknown" });
  }
  if (row.status === "sending") {
    const db = await getDb();
    // Claim the abandoned row first, so two drains cannot both decide to send it.
    const [claimed] = await db
      .update(orders)
      .set({ updatedAt: new Date() })
      .where(and(eq(orders.id, row.id), eq(orders.status, "sending"), lt(orders.updatedAt, new Date(Date.now() - ABANDONED_SEND_MS))))
      .returning();
    if (!claimed) throw new RetryLater("order row is being sent by another drain");
    const sent = await sendRow(claimed, client, { lookFirst: true, referencePrice: event.price ?? undefined, guard, recheck });
    return finish(claimed, event, sent);
  }
  const outcome: ExecutionOutcome = row.status === "rejected" ? "failed" : "sent";
  await recordExecution({ strategyId: row.strategyId!, eventId: event.id, leg: row.leg!, outcome, orderId: row.id });
  return outcome;
}

async function finish(row: OrderRow, event: SignalEvent, sent: { status: string; error?: ExchangeError; reason?: SkipReason }) {
  if (sent.status === "switched_off") {
    await recordExecution({ strategyId: row.strategyId!, eventId: event.id, leg: row.leg!, outcome: "skipped", reason: sent.reason ?? "trading_off", orderId: row.id });
    return "skipped" as const;
  }
  const outcome: ExecutionOutcome = sent.status === "rejected" ? "failed" : sent.status === "unknown" ? "unknown" : "sent";
  await recordExecution({
    strategyId: row.strategyId!,
    eventId: event.id,
    leg: row.leg!,
    outcome,
    reason: sent.error ? sent.error.code : null,
    orderId: row.id,
  });
  return outcome;
}
