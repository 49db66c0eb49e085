import "server-only";
import Decimal from "decimal.js";
import { and, eq, inArray, lt } from "drizzle-orm";
import { getDb } from "@/db/client";
import { recordExchangeResult as storeExchangeResult, type ExchangeResult } from "@/db/queries/orders";
import { orders, type OrderLeg, type OrderRow, type OrderStatus } from "@/db/schema";
import { ExchangeError, isUnknownOutcome, type ExchangeClient, type ExchangeOrder } from "@/lib/exchanges";
import { WaitFor } from "./errors";
import { tradeBlock } from "./may-trade";
import { applyFill, type Fee } from "./positions";
import { notifyOrderStored } from "@/lib/notifications/order-events";

// Every stored order state writes its notification (order filled, rejected…) in the same transaction.
const recordExchangeResult = (orderId: string, result: ExchangeResult) => storeExchangeResult(orderId, result, notifyOrderStored);
import { log } from "@/lib/logger";

/**
 * The one order lifecycle. Every order we place (signal entries and exits, protective orders, stops that
 * fire, manual orders) is a row written before the exchange is called, sent under its client order id by
 * `sendRow`, settled by `settle` (the answer stored first, then booked), canceled by `cancelRow` and, when
 * its fate is not known, resolved by `resolveRow`. Once an exchange has accepted an order nothing here
 * marks it rejected; an order is sent again only when the exchange is proven not to have it.
 */

export const lifecycleTiming = {
  // A live sender sends within seconds of claiming its row (exchange timeout + shared-budget wait); a row
  // still `sending` after this long belongs to a worker that died.
  abandonedSendMs: 60_000,
  // After a lost answer the exchange is asked again; only when it still shows nothing this long after
  // the attempt is the order taken as never placed and sent again under the same client order id. The
  // attempt is recorded after its timeout, and a signed request that reaches the venue later than its
  // receive window after its timestamp is refused there (ccxt: Binance recvWindow 10 s, Bybit 5 s), so
  // timeout + grace past the window means the first attempt can no longer be executed.
  lookupGraceMs: 5_000,
};

export const LIVE_STATUSES: OrderStatus[] = ["sending", "unknown", "retry", "open", "partially_filled"];
const FINAL_STATUSES: OrderStatus[] = ["filled", "canceled", "expired", "rejected"];

/** A strategy's live rows of the given legs (its resting entries, exits or protective orders), maybe but one event's. */
export async function liveRows(strategyId: string, legs: OrderLeg[], exceptEventId?: string): Promise<OrderRow[]> {
  const db = await getDb();
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.strategyId, strategyId), inArray(orders.leg, legs), inArray(orders.status, LIVE_STATUSES)));
  return exceptEventId ? rows.filter((r) => r.eventId !== exceptEventId) : rows;
}

/** A perpetual's take-profit or stop-loss kept by the venue: a conditional order closing the whole position. */
export function isCloseTrigger(row: OrderRow): boolean {
  return row.reduceOnly && row.triggerPrice !== null && row.type === "market" && (row.leg === "tp" || row.leg === "sl");
}

export function isFinal(status: string): boolean {
  return (FINAL_STATUSES as string[]).includes(status);
}

/**
 * Failures that say "later", never "done": the network, a timeout, a 5xx, a 429/418, a spent shared
 * budget, and failures of our own (a database error). Refusals (keys, permissions, funds, precision) are
 * final and carry a reason the trader can act on.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof ExchangeError)) return true;
  return ["network", "exchange_down", "rate_limited", "unknown"].includes(error.code);
}

export function errorCode(error: unknown): string {
  return error instanceof ExchangeError || error instanceof WaitFor ? error.code : "internal_error";
}

export type SendResult =
  | { status: "placed"; order: ExchangeOrder }
  | { status: "refused"; error: ExchangeError }
  | { status: "not_placed"; error: ExchangeError }
  | { status: "unknown" }
  | { status: "expired" }
  | { status: "switched_off"; reason: string }
  | { status: "busy" };

export interface SendOptions {
  /** Look the order up by its client id first: an earlier attempt may have reached the exchange. */
  lookFirst?: boolean;
  referencePrice?: string;
  /** The sender's last check before money moves (the drain still holds its signal); throws when not. */
  guard?: () => Promise<void>;
  /** Switches read again at the last moment; a reason stops the order before it leaves. */
  recheck?: () => Promise<string | null>;
}

class SwitchedOff extends Error {
  constructor(public readonly reason: string) {
    super(`switched off: ${reason}`);
    this.name = "SwitchedOff";
  }
}

/** The order's fees, one per currency. */
function feesOf(order: ExchangeOrder): Fee[] {
  return order.fees?.length ? order.fees : order.fee ? [order.fee] : [];
}

/** Our row's view of what the exchange says about an order. */
export function exchangeResultOf(order: ExchangeOrder): ExchangeResult {
  const fees = feesOf(order);
  return {
    status: order.status,
    exchangeOrderId: order.id,
    filled: order.filled,
    average: order.average,
    cost: order.cost,
    fee: fees.length === 1 ? fees[0]!.cost : null,
    feeCurrency: fees.length === 1 ? fees[0]!.currency : null,
    // An answer without fees (a cancel's, say) says nothing about them: the stored ones stay.
    fees: fees.length > 0 ? Object.fromEntries(fees.map((f) => [f.currency, f.cost])) : undefined,
  };
}

// A fee in a third asset is counted at the venue's price for it only this close to the fill; a fill
// booked later (by the order monitor) keeps such a fee apart rather than price it at a later moment.
const FEE_PRICE_WINDOW_MS = 60_000;

// Fills this close to the latest one happened at its time (one market order's fills share a timestamp).
const SAME_TIME_MS = 2_000;

/**
 * The quote price, at the time of the fills about to be booked, of each third asset (BNB) they paid
 * new fees in: the venue's ticker when the fills are that recent; none where it is not known. When the
 * order's trades say that some of those fills happened earlier than the latest one (several fills seen
 * in one pass), their third-asset fees are not priced at the latest fill's time: they are kept apart.
 */
async function thirdAssetPrices(row: OrderRow, order: ExchangeOrder, fees: Fee[], base: string, client: ExchangeClient) {
  const quote = row.symbol.split("/")[1]?.split(":")[0];
  const fillTime = order.lastTradeTimestamp ?? order.timestamp;
  const assets = fees
    .filter((f) => f.currency !== base && f.currency !== quote && new Decimal(f.cost).gt(row.appliedFees[f.currency] ?? 0))
    .map((f) => f.currency);
  const prices: Record<string, string> = {};
  const apart = earlierThirdAssetFees(row, order, assets);
  if (!quote || assets.length === 0 || Math.abs(Date.now() - fillTime) > FEE_PRICE_WINDOW_MS) return { prices, apart };
  for (const asset of assets) {
    const ticker = await client.ticker(`${asset}/${quote}`).catch(() => null);
    if (ticker && new Decimal(ticker.last).gt(0)) prices[asset] = ticker.last;
  }
  return { prices, apart };
}

/** The third-asset fees of the not yet booked fills that happened before the latest one's time. */
function earlierThirdAssetFees(row: OrderRow, order: ExchangeOrder, assets: string[]): Record<string, string> {
  const apart: Record<string, string> = {};
  if (!order.trades?.length || assets.length === 0) return apart;
  const latest = order.trades.at(-1)!.timestamp;
  let seen = new Decimal(0);
  for (const trade of order.trades) {
    seen = seen.add(trade.amount);
    // Booked already (the booking moves by whole fills), or at the latest fill's time.
    if (seen.lte(row.appliedFilled) || latest - trade.timestamp <= SAME_TIME_MS) continue;
    for (const fee of trade.fees) {
      if (!assets.includes(fee.currency)) continue;
      apart[fee.currency] = new Decimal(apart[fee.currency] ?? 0).add(fee.cost).toFixed();
    }
  }
  return apart;
}

/** Some answers give the cost of the fill but no average price; a fill is never left unbooked for that. */
function withAverage(order: ExchangeOrder): ExchangeOrder {
  if (order.average) return order;
  const filled = new Decimal(order.filled);
  const cost = new Decimal(order.cost || 0);
  return { ...order, average: filled.gt(0) && cost.gt(0) ? cost.div(filled).toFixed() : null };
}

async function freshRow(id: string): Promise<OrderRow | undefined> {
  const db = await getDb();
  const [row] = await db.select().from(orders).where(eq(orders.id, id));
  return row;
}

/**
 * Stores a known exchange state of one of our rows, then books its new fills into the strategy's
 * position. Booking that fails (a database error) is repaired by the order monitor, which revisits every
 * row whose fill is not fully booked; it never changes what the exchange said. Returns the base amount
 * the position moved by.
 */
export async function settle(row: OrderRow, answer: ExchangeOrder, client: ExchangeClient): Promise<string> {
  // A cancel's answer carries no trades: a fill it reports is booked with its fee, looked up by client id.
  const unbooked = new Decimal(answer.filled).gt(row.appliedFilled);
  let known = answer;
  let feeUnread = Boolean(answer.feeUnread);
  if (unbooked && feesOf(answer).length === 0) {
    try {
      known = (await client.findOrderByClientId(row.clientOrderId, row.symbol)) ?? answer;
      feeUnread = Boolean(known.feeUnread);
    } catch {
      feeUnread = true;
    }
  }
  const order = withAverage(known);
  const stored = await recordExchangeResult(row.id, { ...exchangeResultOf(order), error: null });
  // Manual orders are booked too: their fills go to the fill ledger (a position only for strategies).
  if (!unbooked) return "0";
  // A fill is booked with its fee or not yet: the order monitor books it once the fee can be read.
  if (feeUnread) return "0";
  try {
    const market = await client.market(row.symbol).catch(() => null);
    const base = market?.base ?? row.symbol.split("/")[0]!;
    const current = stored ?? row;
    const fees = feesOf(order);
    const { prices: feePrices, apart: feesApart } = await thirdAssetPrices(current, order, fees, base, client);
    const fillTime = order.lastTradeTimestamp ?? order.timestamp;
    const at = fillTime ? new Date(fillTime) : undefined;
    return await applyFill(current, { filled: order.filled, average: order.average, cost: order.cost, fees, feePrices, feesApart, at }, base, market?.contractSize ?? "1");
  } catch (error) {
    log({ orderId: row.id }).warn({ err: error }, "fill stored, booking left to the order monitor");
    return "0";
  }
}

/**
 * Sends the order of a row written (or claimed) by the caller, at most once per attempt:
 * - a 429/418 or a spent budget proves the order was not placed: the row waits as `retry`;
 * - a lost answer (timeout, 5xx) is looked up at once; not visible yet, the row waits as `unknown`;
 * - a refusal ends the row as `rejected` with the exchange's reason;
 * - an accepted order is stored first and booked after.
 */
export async function sendRow(row: OrderRow, client: ExchangeClient, opts: SendOptions = {}): Promise<SendResult> {
  if (opts.lookFirst) {
    let found: ExchangeOrder | null;
    try {
      found = await client.findOrderByClientId(row.clientOrderId, row.symbol);
    } catch (error) {
      // Not known either way: the row goes back to waiting for a look-up.
      await recordExchangeResult(row.id, { status: "unknown", error: { code: errorCode(error), message: "look-up failed" } });
      return { status: "unknown" };
    }
    if (found) {
      await settle(row, found, client);
      return { status: "placed", order: found };
    }
  }
  if (row.sendBy && row.sendBy.getTime() < Date.now()) {
    await recordExchangeResult(row.id, { status: "expired", error: { code: "not_placed", message: "not placed before the signal expired" } });
    return { status: "expired" };
  }
  try {
    await opts.guard?.();
  } catch (error) {
    // Not sent: another worker took over. The row is handed on as proven not placed, so whoever holds the
    // work next sends it at once instead of waiting out the abandoned-send time as if it might be in flight.
    await handBack(row);
    throw error;
  }
  let order: ExchangeOrder;
  try {
    order = await (async () => {
      // The switches are read again at the last moment: one turned off while an event fanned out stops the
      // order before it leaves.
      // A perpetual's reduceOnly order only shrinks the position: an exit, whichever its side.
      const off = (await tradeBlock(row.userId, row.accountId, row.reduceOnly ? "sell" : row.side)) ?? (await opts.recheck?.());
      if (off) throw new SwitchedOff(off);
      return client.createOrder({
        symbol: row.symbol,
        side: row.side,
        type: row.type === "limit" || row.type === "stop_limit" ? "limit" : "market",
        amount: row.amount,
        price: row.price ?? undefined,
        stopPrice: row.type === "stop_limit" ? (row.triggerPrice ?? undefined) : undefined,
        clientOrderId: row.clientOrderId,
        referencePrice: opts.referencePrice,
        ...(isCloseTrigger(row)
          ? { closeTrigger: { kind: row.leg === "sl" ? ("stop_loss" as const) : ("take_profit" as const), price: row.triggerPrice! } }
          : row.reduceOnly
            ? { reduceOnly: true }
            : {}),
      });
    })();
  } catch (error) {
    if (error instanceof SwitchedOff) {
      // Never sent: the row ends here, so no later worker can pick it up and send it after all.
      await recordExchangeResult(row.id, { status: "canceled", error: { code: "switched_off", message: `not sent: ${error.reason}` } });
      return { status: "switched_off", reason: error.reason };
    }
    if (error instanceof ExchangeError && error.code === "rate_limited") {
      await recordExchangeResult(row.id, { status: "retry", error: { code: error.code, message: "not placed: rate limited" } });
      return { status: "not_placed", error };
    }
    if (isUnknownOutcome(error) || !(error instanceof ExchangeError)) {
      const found = await client.findOrderByClientId(row.clientOrderId, row.symbol).catch(() => null);
      if (found) {
        await settle(row, found, client);
        return { status: "placed", order: found };
      }
      await recordExchangeResult(row.id, { status: "unknown", error: { code: errorCode(error), message: "no answer" } });
      return { status: "unknown" };
    }
    // "Duplicate order sent" means an order with our id is live: that order is ours, not a refusal. A look-up
    // that gets no answer decides nothing: the row is unknown (looked up again later), never rejected while
    // our order may be live (a later try under a new id would then trade twice).
    let live: ExchangeOrder | null = null;
    if (error.code === "invalid_order") {
      try {
        live = await client.findOrderByClientId(row.clientOrderId, row.symbol);
      } catch (lookupError) {
        if (isTransient(lookupError)) {
          await recordExchangeResult(row.id, { status: "unknown", error: { code: errorCode(lookupError), message: "refused, not looked up" } });
          return { status: "unknown" };
        }
      }
    }
    if (live) {
      await settle(row, live, client);
      return { status: "placed", order: live };
    }
    await recordExchangeResult(row.id, { status: "rejected", error: { code: error.code, message: error.message } });
    return { status: "refused", error };
  }
  await settle(row, order, client);
  return { status: "placed", order };
}

/**
 * A row this worker claimed (`sending`) and then did not send: `retry`, unless another worker has claimed
 * it since (a later claim stamps a later `updated_at`; the database keeps microseconds, the row milliseconds).
 */
async function handBack(row: OrderRow) {
  const db = await getDb();
  await db
    .update(orders)
    .set({ status: "retry", error: { code: "lease_lost", message: "not sent: another worker took over" }, updatedAt: new Date() })
    .where(and(eq(orders.id, row.id), eq(orders.status, "sending"), lt(orders.updatedAt, new Date(row.updatedAt.getTime() + 1))));
}

/**
 * Takes a row waiting in `from` for this worker: compare-and-set on its status and, where given, on its
 * last change being older than `olderThanMs` (a claim moves it to `sending` now, so a second claim fails).
 */
async function claim(row: OrderRow, from: OrderStatus, olderThanMs = 0): Promise<OrderRow | undefined> {
  const db = await getDb();
  const [claimed] = await db
    .update(orders)
    .set({ status: "sending", updatedAt: new Date() })
    .where(
      and(
        eq(orders.id, row.id),
        eq(orders.status, from),
        olderThanMs > 0 ? lt(orders.updatedAt, new Date(Date.now() - olderThanMs)) : undefined,
      ),
    )
    .returning();
  return claimed;
}

/**
 * Moves a row whose fate is not known one step on; safe for several workers at once (each step is a
 * compare-and-set claim):
 * - `sending` left by a worker that died: looked up, and sent only when the exchange has never seen it;
 * - `unknown`: looked up; still nothing after the grace period, sent again under the same client id;
 * - `retry` (proven not placed): sent again;
 * each until the row's `send_by`, after which a row the exchange never saw ends as expired.
 */
export async function resolveRow(row: OrderRow, client: ExchangeClient, opts: Omit<SendOptions, "lookFirst"> = {}): Promise<SendResult> {
  const age = Date.now() - row.updatedAt.getTime();
  if (row.listClientOrderId) return resolveListLeg(row, client, age);
  if (row.status === "sending") {
    if (age < lifecycleTiming.abandonedSendMs) return { status: "busy" };
    const claimed = await claim(row, "sending", lifecycleTiming.abandonedSendMs);
    return claimed ? sendRow(claimed, client, { ...opts, lookFirst: true }) : { status: "busy" };
  }
  if (row.status === "unknown") {
    const found = await client.findOrderByClientId(row.clientOrderId, row.symbol);
    if (found) {
      await settle(row, found, client);
      return { status: "placed", order: found };
    }
    if (age < lifecycleTiming.lookupGraceMs) return { status: "unknown" };
    const claimed = await claim(row, "unknown", lifecycleTiming.lookupGraceMs);
    return claimed ? sendRow(claimed, client, opts) : { status: "busy" };
  }
  if (row.status === "retry") {
    const claimed = await claim(row, "retry");
    return claimed ? sendRow(claimed, client, opts) : { status: "busy" };
  }
  return { status: "busy" };
}

/**
 * A leg of a native OCO whose fate is not known: looked up; one the exchange never saw ends as not placed
 * (never re-sent alone: the protection invariant places a new pair under new ids).
 */
async function resolveListLeg(row: OrderRow, client: ExchangeClient, age: number): Promise<SendResult> {
  if (row.status === "sending" && age < lifecycleTiming.abandonedSendMs) return { status: "busy" };
  if (row.status !== "retry") {
    const found = await client.findOrderByClientId(row.clientOrderId, row.symbol);
    if (found) {
      await settle(row, found, client);
      return { status: "placed", order: found };
    }
    if (age < lifecycleTiming.lookupGraceMs) return { status: "unknown" };
  }
  const db = await getDb();
  await db
    .update(orders)
    .set({ status: "expired", error: { code: "not_placed", message: "the exchange has no such order" }, updatedAt: new Date() })
    .where(and(eq(orders.id, row.id), eq(orders.status, row.status)));
  return { status: "expired" };
}

/**
 * Sends a native OCO (take-profit limit above, stop-loss-limit below, one quantity) for two rows written
 * by the caller. A 429 proves neither leg placed: both end as not placed and the invariant tries again
 * with new ids; a lost answer is looked up leg by leg.
 */
export async function sendOco(tp: OrderRow, sl: OrderRow, client: ExchangeClient): Promise<SendResult> {
  const both = async (result: ExchangeResult) => {
    for (const row of [tp, sl]) await recordExchangeResult(row.id, result);
  };
  const blocked = await tradeBlock(tp.userId, tp.accountId, "sell");
  if (blocked) {
    await both({ status: "canceled", error: { code: "switched_off", message: `not sent: ${blocked}` } });
    return { status: "switched_off", reason: blocked };
  }
  try {
    const { takeProfit, stop } = await client.createOco!({
      symbol: tp.symbol,
      amount: tp.amount,
      takeProfitPrice: tp.price!,
      stopPrice: sl.triggerPrice!,
      stopLimitPrice: sl.price!,
      listClientOrderId: tp.listClientOrderId!,
      takeProfitClientOrderId: tp.clientOrderId,
      stopClientOrderId: sl.clientOrderId,
    });
    await settle(tp, takeProfit, client);
    await settle(sl, stop, client);
    return { status: "placed", order: takeProfit };
  } catch (error) {
    if (error instanceof ExchangeError && error.code === "rate_limited") {
      await both({ status: "expired", error: { code: "not_placed", message: "not placed: rate limited" } });
      return { status: "not_placed", error };
    }
    if (isUnknownOutcome(error) || !(error instanceof ExchangeError)) {
      let placed: ExchangeOrder | null = null;
      for (const row of [tp, sl]) {
        const found = await client.findOrderByClientId(row.clientOrderId, row.symbol).catch(() => null);
        if (found) await settle(row, found, client);
        else await recordExchangeResult(row.id, { status: "unknown", error: { code: errorCode(error), message: "no answer" } });
        placed ??= row === tp ? found : null;
      }
      return placed ? { status: "placed", order: placed } : { status: "unknown" };
    }
    await both({ status: "rejected", error: { code: error.code, message: error.message } });
    return { status: "refused", error };
  }
}

/**
 * Cancels one of our rows and answers whether it is over (canceled, filled or otherwise final, with any
 * fill booked). An order whose fate is not known yet, or whose cancel failed for a transient reason, is
 * not over: the caller tries again later.
 */
export async function cancelRow(row: OrderRow, client: ExchangeClient | null): Promise<{ done: boolean; reason?: string }> {
  const current = (await freshRow(row.id)) ?? row;
  if (isFinal(current.status)) return { done: true };
  const db = await getDb();
  const endUnsent = async (from: OrderStatus) => {
    const [ended] = await db
      .update(orders)
      .set({ status: "canceled", updatedAt: new Date() })
      .where(and(eq(orders.id, current.id), eq(orders.status, from)))
      .returning({ id: orders.id });
    return ended ? { done: true } : { done: false, reason: "changed_meanwhile" };
  };
  // Our own stop, armed and never sent; and a row proven not placed.
  if (current.type === "stop" && current.status === "open") return endUnsent("open");
  if (current.status === "retry") return endUnsent("retry");
  if (current.status !== "open" && current.status !== "partially_filled") return { done: false, reason: "in_flight" };
  if (!client) return { done: false, reason: "account_off" };
  let answer: ExchangeOrder | null;
  try {
    answer = current.exchangeOrderId
      ? await client.cancelOrder(current.exchangeOrderId!, current.symbol, isCloseTrigger(current) ? { trigger: true } : undefined)
      : await client.findOrderByClientId(current.clientOrderId, current.symbol);
  } catch (error) {
    if (!(error instanceof ExchangeError && error.code === "order_not_found")) return { done: false, reason: errorCode(error) };
    // Already over on the exchange (filled or canceled): its final state says which.
    answer = await client.findOrderByClientId(current.clientOrderId, current.symbol).catch(() => null);
  }
  if (!answer) return { done: false, reason: "not_found" };
  await settle(current, answer, client);
  return isFinal(answer.status) ? { done: true } : { done: false, reason: "still_open" };
}
