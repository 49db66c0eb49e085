import "server-only";
import Decimal from "decimal.js";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { intentRow } from "@/db/queries/orders";
import type { PlanRow } from "@/db/queries/strategies";
import { strategiesForEvent } from "@/db/queries/strategies";
import { orders, strategyExecutions, type OrderRow, type SignalEvent } from "@/db/schema";
import { clientForAccount, deterministicClientOrderId, ExchangeError, type ExchangeClient } from "@/lib/exchanges";
import { insertWithinCaps } from "./caps";
import { LeaseLostError, RetryLater, WaitFor } from "./errors";
import { errorCode, isTransient, lifecycleTiming, liveRows, resolveRow, sendRow, type SendResult } from "./lifecycle";
import { executePerp } from "./perp-execute";
import { gate, sizeOrder, switchGate, type SignalAction, type SkipReason } from "./plan";
import { positionOf } from "./positions";
import { notifyExecutionFailed, notifyOrderSkipped } from "@/lib/notifications/order-events";
import { BUSY, cancelRows, protect, withStrategyLease } from "./protection";
import { log } from "@/lib/logger";

export { RetryLater } from "./errors";

/** `waiting`: a transient failure; the event is tried again until the signal is older than its max lag. */
export type ExecutionOutcome = "sent" | "skipped" | "failed" | "unknown" | "waiting";

// A signal without its own max_lag is executed (and retried after transient errors) for this long.
export const DEFAULT_MAX_LAG_SECONDS = 300;

/** Until when an event may still lead to a new order. */
export function eventDeadline(event: Pick<SignalEvent, "sentAt" | "receivedAt" | "maxLagSeconds">): Date {
  const from = event.sentAt && event.sentAt < event.receivedAt ? event.sentAt : event.receivedAt;
  return new Date(from.getTime() + (event.maxLagSeconds ?? DEFAULT_MAX_LAG_SECONDS) * 1000);
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
  await db.transaction(async (tx) => {
    await tx
      .insert(strategyExecutions)
      .values({ ...values, reason: values.reason ?? null, detail: values.detail ?? null, orderId: values.orderId ?? null })
      .onConflictDoUpdate({
        target: [strategyExecutions.strategyId, strategyExecutions.eventId, strategyExecutions.leg],
        set: { outcome: values.outcome, reason: values.reason ?? null, detail: values.detail ?? null, orderId: values.orderId ?? null },
      });
    if (values.outcome === "skipped") await notifyOrderSkipped(tx, values);
    if (values.outcome === "failed" && !values.orderId) await notifyExecutionFailed(tx, values);
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

/** The strategy's gate, read fresh from the database (switches, roles, account) for one action. */
function freshGate(strategy: PlanRow["strategy"], action: SignalAction) {
  return async (): Promise<SkipReason | null> => {
    const [fresh] = await strategiesForEvent(strategy.signalId, strategy.symbol, strategy.id);
    if (!fresh) return "strategy_off";
    return gate({ action, strategyEnabled: fresh.strategy.enabled, strategyKeepsExits: fresh.strategy.keepsExits, ...fresh.strategy, ...fresh });
  };
}

/**
 * One event for one strategy: gate, size, write the row, send once, record what happened. Transient
 * failures before anything is sent put the execution back to `waiting` (RetryLater) until the signal is
 * older than its max lag; refusals fail at once with their reason.
 */
export async function executeForStrategy(event: SignalEvent, row: PlanRow, guard?: () => Promise<void>): Promise<ExecutionOutcome> {
  const action = event.action as SignalAction;
  const leg = action;
  const orderLeg = action as Exclude<SignalAction, "cancel">;
  const strategy = row.strategy;
  const deadline = eventDeadline(event);
  const recheck = freshGate(strategy, action);
  const skip = async (reason: SkipReason, detail?: Record<string, string>) => {
    await recordExecution({ strategyId: strategy.id, eventId: event.id, leg, outcome: "skipped", reason, detail });
    return "skipped" as const;
  };
  let client: ExchangeClient;

  // The reads before the order (our database, the account's key) fail as "later" too, like the exchange.
  try {
    const done = await existingExecution(strategy.id, event.id, leg);
    if (done && done.outcome !== "unknown" && done.outcome !== "waiting") return done.outcome as ExecutionOutcome;

    const gated = gate({ action, strategyEnabled: strategy.enabled, strategyKeepsExits: strategy.keepsExits, ...strategy, ...row });
    if (gated) return await skip(gated);

    const account = await getAccountForTrading(strategy.userId, strategy.accountId);
    if (!account) return await skip("account_off");
    // Test signals trade on paper only, whoever sent them.
    if (event.test && account.exchange !== "paper") return await skip("account_off");
    client = await clientForAccount(account);
    return await run();
  } catch (error) {
    if (error instanceof LeaseLostError || error instanceof RetryLater) throw error;
    if (isTransient(error)) {
      const code = errorCode(error);
      if (!(error instanceof ExchangeError) && !(error instanceof WaitFor)) log({ strategyId: strategy.id, eventId: event.id }).warn({ err: error }, "strategy execution failed");
      if (Date.now() > deadline.getTime()) return skip("expired", { error: code });
      await recordExecution({ strategyId: strategy.id, eventId: event.id, leg, outcome: "waiting", reason: code });
      // Waiting on ourselves (a position lease, a cancel being confirmed) comes back soon; an unhealthy
      // exchange gets more room the longer the signal has waited.
      throw new RetryLater(code, error instanceof WaitFor ? WAIT_FOR_MS : backoff(event));
    }
    await recordExecution({ strategyId: strategy.id, eventId: event.id, leg, outcome: "failed", reason: errorCode(error) });
    return "failed";
  }

  async function run(): Promise<ExecutionOutcome> {
    if (action === "cancel") {
      // The strategy's resting entries and exits; its protection stays (the order monitor keeps it).
      const open = await liveRows(strategy.id, ["buy", "sell", "close"]);
      const pending = await cancelRows(open, client);
      if (pending) throw new WaitFor(pending);
      if (open.length === 0) return skip("nothing_to_cancel");
      await recordExecution({ strategyId: strategy.id, eventId: event.id, leg, outcome: "sent", detail: { canceled: String(open.length) } });
      return "sent";
    }
    if (client.marketType === "swap") {
      return executePerp({
        event,
        strategy,
        client,
        deadline,
        guard,
        recheck,
        entryBlocked: async () => switchGate({ strategyEnabled: strategy.enabled, strategyKeepsExits: strategy.keepsExits, ...strategy, ...row }, "entry"),
        skip,
        record: (values) => recordExecution({ strategyId: strategy.id, eventId: event.id, leg, ...values }),
        backoffMs: backoff(event),
      });
    }

    const intent = { strategyId: strategy.id, eventId: event.id, leg: orderLeg };
    const existing = await intentRow(intent);
    if (existing) return resume(existing);
    if (Date.now() > deadline.getTime()) return skip("expired");

    if (action === "buy") {
      // A quick skip before any exchange call; insertWithinCaps checks again, atomically, with the insert.
      if (strategy.maxOpenOrders !== null && (await liveRows(strategy.id, ["buy"])).length >= strategy.maxOpenOrders) {
        // Unless the live order is this intent's own, written by a run of it since the read above.
        const own = await intentRow(intent);
        if (own) return resume(own);
        return skip("max_open_orders", { max: String(strategy.maxOpenOrders) });
      }
      const outcome = await place();
      await protectAfter();
      return outcome;
    }
    // Exits are never blocked by entry rules: no caps. The strategy's own resting orders go first (its
    // take-profit holds the coins), confirmed canceled or filled; then it sells what it holds, no more.
    const outcome = await withStrategyLease(strategy.id, async () => {
      const resting = await liveRows(strategy.id, action === "close" ? ["tp", "sl", "buy", "sell", "close"] : ["tp", "sl"], event.id);
      const pending = await cancelRows(resting.filter((r) => !(r.leg === "sl" && r.type === "market")), client);
      if (pending) throw new WaitFor(`exit_waits_for_cancel:${pending}`);
      if (resting.some((r) => r.leg === "sl" && r.type === "market")) throw new WaitFor("stop_loss_selling");
      return place();
    });
    if (outcome === BUSY) throw new WaitFor("position_busy");
    await protectAfter();
    return outcome;
  }

  /** Sizes the order, writes its row (within the caps for entries) and sends it. */
  async function place(): Promise<ExecutionOutcome> {
    const market = await client.market(strategy.symbol);
    const price =
      event.price ??
      (await client.ticker(strategy.symbol).then(
        (t) => t.last,
        (error: unknown) => {
          if (error instanceof ExchangeError && error.code === "no_price") return null;
          throw error;
        },
      ));
    if (!price) return skip("no_price");
    // An entry of a fixed size (quote or base units) reads no balance: the venue refuses what the account
    // cannot pay (the order row says so), and a signal fanned out to many accounts costs one order's
    // request weight each, not a balance read's twenty. Percent sizing reads it, shared by the signal's
    // fan-out on one account; an exit reads afresh, so coins another server's order took in the meantime
    // never make a sell fail as insufficient funds.
    const entry = action === "buy";
    const [balances, position, resting] = await Promise.all([
      entry && strategy.sizingMode !== "percent" ? Promise.resolve(null) : client.balance(entry ? { sharedFor: event.id } : undefined),
      entry ? Promise.resolve({ amount: "0" }) : positionOf(strategy.id),
      entry ? Promise.resolve([]) : liveRows(strategy.id, ["sell", "close"], event.id),
    ]);
    // What the strategy's other sells still resting will sell is spoken for: a sell never commits coins twice.
    const committed = resting.reduce((sum, r) => sum.add(Decimal.max(0, new Decimal(r.amount).sub(r.filled))), new Decimal(0));
    const free = (asset: string) => balances?.find((b) => b.asset === asset)?.free ?? "0";
    const sized = sizeOrder({
      action: orderLeg,
      sizingMode: strategy.sizingMode,
      sizingValue: strategy.sizingValue,
      orderType: action === "close" ? "market" : strategy.orderType,
      limitOffsetPct: strategy.limitOffsetPct,
      price,
      market,
      freeQuote: balances ? free(market.quote) : null,
      freeBase: free(market.base),
      positionAmount: Decimal.max(0, new Decimal(position.amount).sub(committed)).toFixed(),
    });
    if (!sized.ok) return skip(sized.reason, sized.detail);

    const values = {
      userId: strategy.userId,
      accountId: strategy.accountId,
      source: event.test ? ("test" as const) : ("signal" as const),
      strategyId: strategy.id,
      eventId: event.id,
      leg: orderLeg,
      clientOrderId: deterministicClientOrderId(event.id, strategy.id, leg),
      symbol: market.symbol,
      side: sized.side,
      type: sized.type,
      amount: sized.amount,
      price: sized.price ?? null,
      status: "sending" as const,
      sendBy: deadline,
    };
    let written: OrderRow | undefined;
    if (action === "buy") {
      const capped = await insertWithinCaps(strategy, values);
      if (!capped.ok) return skip(capped.reason, capped.detail);
      written = capped.row;
    } else {
      [written] = await (await getDb()).insert(orders).values(values).onConflictDoNothing().returning();
    }
    if (!written) {
      const other = await intentRow({ strategyId: strategy.id, eventId: event.id, leg: orderLeg });
      return other ? resume(other) : "failed";
    }
    return finish(written, await sendRow(written, client, { referencePrice: price, guard, recheck }));
  }

  async function resume(existing: OrderRow): Promise<ExecutionOutcome> {
    if (existing.status === "sending" || existing.status === "unknown" || existing.status === "retry") {
      const result = await resolveRow(existing, client, { referencePrice: event.price ?? undefined, guard, recheck });
      if (result.status === "busy") throw new RetryLater("order row is being sent by another worker", 1_000);
      return finish(existing, result);
    }
    // Settled meanwhile (by another worker or the order monitor): recorded as what it became.
    const notPlaced = existing.error?.code === "not_placed" && (existing.status === "expired" || existing.status === "canceled");
    const outcome: ExecutionOutcome =
      existing.status === "rejected"
        ? "failed"
        : notPlaced || (existing.status === "canceled" && existing.error?.code === "switched_off")
          ? "skipped"
          : "sent";
    const reason = notPlaced ? "expired" : outcome === "sent" ? null : (existing.error?.code ?? null);
    await recordExecution({ strategyId: strategy.id, eventId: event.id, leg, outcome, reason, orderId: existing.id });
    return outcome;
  }

  async function finish(written: OrderRow, sent: SendResult): Promise<ExecutionOutcome> {
    const base = { strategyId: strategy.id, eventId: event.id, leg, orderId: written.id };
    switch (sent.status) {
      case "switched_off":
        await recordExecution({ ...base, outcome: "skipped", reason: sent.reason });
        return "skipped";
      case "expired":
        await recordExecution({ ...base, outcome: "skipped", reason: "expired" });
        return "skipped";
      case "refused":
        await recordExecution({ ...base, outcome: "failed", reason: sent.error.code });
        return "failed";
      case "placed":
        await recordExecution({ ...base, outcome: "sent" });
        return "sent";
      default: {
        // Not placed yet (429, lost answer): the event waits; the row is sent again under its client id.
        const reason = sent.status === "not_placed" ? sent.error.code : sent.status;
        await recordExecution({ ...base, outcome: "waiting", reason });
        throw new RetryLater(reason, sent.status === "unknown" ? lifecycleTiming.lookupGraceMs : backoff(event));
      }
    }
  }

  /** Protection follows the position at once; the order monitor makes it right if this fails. */
  async function protectAfter() {
    if (!strategy.takeProfitPct && !strategy.stopLossPct) return;
    await protect(strategy.id, client).catch((error: unknown) => log({ strategyId: strategy.id }).warn({ err: error }, "protection left to the monitor"));
  }
}

/** Waits grow with the event's age: 0.5 s at first, at most 10 s. */
const WAIT_FOR_MS = 250;

function backoff(event: SignalEvent): number {
  const age = Date.now() - event.receivedAt.getTime();
  return Math.min(10_000, Math.max(500, Math.round(age / 10)));
}
