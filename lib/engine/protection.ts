import "server-only";
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import { and, count, eq, inArray, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { orders, strategies, strategyPositions, type OrderLeg, type OrderRow, type Strategy } from "@/db/schema";
import { checkOrder, deterministicClientOrderId, floorToStep, roundPrice, type ExchangeClient, type Market } from "@/lib/exchanges";
import { cancelRow, LIVE_STATUSES, sendRow } from "./lifecycle";
import { mayTrade } from "./may-trade";
import { positionOf } from "./positions";
import { throttled } from "./throttle";

/**
 * Protection is an invariant, not a one-shot: for every open position whose strategy has a take-profit or
 * a stop-loss, `protect` makes the protective orders match what is held, and the order monitor calls it
 * on every pass (after a restart, after trading was off, after a failed attempt).
 * - the stop-loss is our own row (`type: stop`, armed); when the price crosses it, it cancels the
 *   take-profit (confirmed canceled or filled), then becomes a market sell of no more than is held.
 * - the take-profit is a limit order resting on the exchange for the whole position; it is placed once no
 *   entry of the strategy is still filling, and replaced (cancel confirmed first) when the position changes.
 * One worker at a time touches a position's resting orders: exits, the monitor and stops take its lease.
 */

const LEASE_MS = 60_000;
export const BUSY = Symbol("busy");

/** Runs `fn` holding the strategy's position lease; answers BUSY when another worker holds it. */
export async function withStrategyLease<T>(strategyId: string, fn: () => Promise<T>): Promise<T | typeof BUSY> {
  const db = await getDb();
  const token = randomUUID();
  await db.insert(strategyPositions).values({ strategyId }).onConflictDoNothing();
  const [held] = await db
    .update(strategyPositions)
    .set({ busyToken: token, busyUntil: sql`now() + ${`${LEASE_MS} milliseconds`}::interval` })
    .where(and(eq(strategyPositions.strategyId, strategyId), sql`(${strategyPositions.busyUntil} is null or ${strategyPositions.busyUntil} < now())`))
    .returning({ id: strategyPositions.strategyId });
  if (!held) return BUSY;
  try {
    return await fn();
  } finally {
    await db
      .update(strategyPositions)
      .set({ busyToken: null, busyUntil: null })
      .where(and(eq(strategyPositions.strategyId, strategyId), eq(strategyPositions.busyToken, token)));
  }
}

export type ProtectionState = { state: "none" | "protected" | "unprotected"; note: string | null };

async function liveProtective(strategyId: string): Promise<OrderRow[]> {
  const db = await getDb();
  return db
    .select()
    .from(orders)
    .where(and(eq(orders.strategyId, strategyId), inArray(orders.leg, ["tp", "sl"]), inArray(orders.status, LIVE_STATUSES)));
}

/** Cancels the given rows; answers the reason of the first that is not over yet, or null. */
export async function cancelRows(rows: OrderRow[], client: ExchangeClient | null): Promise<string | null> {
  for (const row of rows) {
    const result = await cancelRow(row, client);
    if (!result.done) return result.reason ?? "pending";
  }
  return null;
}

async function record(strategyId: string, result: ProtectionState): Promise<ProtectionState> {
  const db = await getDb();
  await db
    .update(strategyPositions)
    .set({ protection: result.state, protectionNote: result.note, protectionCheckedAt: new Date() })
    .where(eq(strategyPositions.strategyId, strategyId));
  return result;
}

async function nextClientOrderId(strategy: Strategy, leg: OrderLeg) {
  const db = await getDb();
  const [n] = await db.select({ n: count() }).from(orders).where(and(eq(orders.strategyId, strategy.id), eq(orders.leg, leg)));
  return deterministicClientOrderId(strategy.id, "protect", leg, String((n?.n ?? 0) + 1));
}

function protectiveRow(strategy: Strategy, market: Market, leg: OrderLeg, amount: string) {
  return {
    userId: strategy.userId,
    accountId: strategy.accountId,
    source: "protective" as const,
    strategyId: strategy.id,
    leg,
    symbol: market.symbol,
    side: "sell" as const,
    amount,
  };
}

/**
 * Fires the strategy's armed stop when the price has crossed it: the take-profit first (it holds the
 * coins), then a market sell of no more than the strategy holds. Answers true when the stop was crossed
 * (fired, or waiting for the take-profit's cancel).
 */
async function fireStop(strategy: Strategy, stop: OrderRow, live: OrderRow[], client: ExchangeClient, market: Market, price: string | null) {
  if (!price || !stop.triggerPrice || new Decimal(price).gt(stop.triggerPrice)) return { crossed: false, note: null };
  const pending = await cancelRows(live.filter((r) => r.leg === "tp"), client);
  if (pending) return { crossed: true, note: `stop-loss triggered, waiting for the take-profit to be canceled (${pending})` };
  const held = (await positionOf(strategy.id)).amount;
  const amount = floorToStep(Decimal.max(0, Decimal.min(stop.amount, held)), market.amountStep);
  const db = await getDb();
  if (new Decimal(amount).lte(0)) {
    await db.update(orders).set({ status: "canceled", updatedAt: new Date() }).where(and(eq(orders.id, stop.id), eq(orders.status, "open")));
    return { crossed: true, note: null };
  }
  const [armed] = await db
    .update(orders)
    .set({ type: "market", status: "sending", amount, updatedAt: new Date() })
    .where(and(eq(orders.id, stop.id), eq(orders.type, "stop"), eq(orders.status, "open")))
    .returning();
  if (!armed) return { crossed: true, note: null };
  const sent = await sendRow(armed, client, { referencePrice: price });
  if (sent.status === "refused") return { crossed: true, note: `stop-loss refused by the exchange: ${sent.error.code}; tried again` };
  if (sent.status === "placed") return { crossed: true, note: null };
  return { crossed: true, note: `stop-loss sell ${sent.status}; tried again` };
}

/**
 * Brings one strategy's protective orders in line with what it holds. Call it holding the strategy's
 * lease (see `protect`). Answers the state the trader sees.
 */
async function ensureProtection(strategyId: string, client: ExchangeClient): Promise<ProtectionState> {
  const db = await getDb();
  const [strategy] = await db.select().from(strategies).where(eq(strategies.id, strategyId));
  if (!strategy) return { state: "none", note: null };
  let live = await liveProtective(strategy.id);
  let position = await positionOf(strategy.id);
  const market = await client.market(strategy.symbol);
  const wanted = Boolean(strategy.takeProfitPct || strategy.stopLossPct);
  const held = () => floorToStep(Decimal.max(0, position.amount), market.amountStep);
  const average = () => (new Decimal(position.amount).gt(0) ? new Decimal(position.costBasis).div(position.amount) : null);
  const sellable = (amount: string, price: Decimal.Value) =>
    new Decimal(amount).gt(0) && checkOrder(market, { side: "sell", type: "market", amount, referencePrice: new Decimal(price).toFixed() }).ok;

  // Nothing to protect (no position, dust, or no exits configured): what still rests goes.
  const avg = average();
  if (!wanted || !avg || !sellable(held(), avg)) {
    const pending = await cancelRows(live.filter((r) => !(r.leg === "sl" && r.type === "market")), client);
    return record(strategy.id, { state: "none", note: pending ? `removing protective orders (${pending})` : null });
  }
  if (!(await mayTrade(strategy.userId, strategy.accountId))) {
    return record(strategy.id, { state: "unprotected", note: "trading_off" });
  }

  const notes: string[] = [];
  // A stop crossed now fires before anything else is placed.
  const price = await throttled(client, () => client.ticker(strategy.symbol)).then((t) => t.last, () => null);
  const armed = live.find((r) => r.leg === "sl" && r.type === "stop" && r.status === "open");
  if (strategy.stopLossPct && armed) {
    const fired = await fireStop(strategy, armed, live, client, market, price);
    if (fired.crossed) return record(strategy.id, { state: "unprotected", note: fired.note ?? "stop-loss fired" });
  }
  // A stop in flight (fired, answer pending) is the exit: nothing else is placed meanwhile.
  if (live.some((r) => r.leg === "sl" && r.type === "market")) return record(strategy.id, { state: "protected", note: "stop-loss selling" });

  // The take-profit: one order for the whole position, once no entry is still filling.
  if (strategy.takeProfitPct) {
    const [entry] = await db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.strategyId, strategy.id), eq(orders.side, "buy"), inArray(orders.status, LIVE_STATUSES)))
      .limit(1);
    const tps = live.filter((r) => r.leg === "tp");
    const fits = (r: OrderRow) => new Decimal(r.amount).sub(r.filled).eq(held()) && (r.status === "open" || r.status === "partially_filled");
    if (entry) {
      if (tps.length === 0) notes.push("take-profit waits for the entry to finish filling");
    } else if (!(tps.length === 1 && fits(tps[0]!))) {
      const pending = await cancelRows(tps.filter((r) => !fits(r) || tps.length > 1), client);
      if (pending) {
        notes.push(`replacing the take-profit (${pending})`);
      } else {
        // The cancel may have booked a last fill: place for what is held now.
        position = await positionOf(strategy.id);
        live = await liveProtective(strategy.id);
        const amount = held();
        const tpPrice = roundPrice(new Decimal(average() ?? avg).mul(Decimal.add(1, new Decimal(strategy.takeProfitPct).div(100))), market.priceStep, "sell");
        const check = checkOrder(market, { side: "sell", type: "limit", amount, price: tpPrice });
        if (!live.some((r) => r.leg === "tp") && check.ok) {
          const [row] = await db
            .insert(orders)
            .values({ ...protectiveRow(strategy, market, "tp", check.amount), type: "limit", price: check.price, clientOrderId: await nextClientOrderId(strategy, "tp"), status: "sending" })
            .onConflictDoNothing()
            .returning();
          if (row) {
            const sent = await sendRow(row, client);
            if (sent.status === "refused") notes.push(`take-profit refused by the exchange: ${sent.error.code}`);
            else if (sent.status !== "placed") notes.push(`take-profit ${sent.status}; tried again`);
          }
        } else if (!check.ok) {
          notes.push(`take-profit below the market's minimum (${check.reason})`);
        }
      }
    }
  }

  // The stop-loss follows what is held at once.
  if (strategy.stopLossPct) {
    const amount = held();
    const trigger = roundPrice(new Decimal(average() ?? avg).mul(Decimal.sub(1, new Decimal(strategy.stopLossPct).div(100))), market.priceStep, "sell");
    const current = (await liveProtective(strategy.id)).find((r) => r.leg === "sl" && r.type === "stop" && r.status === "open");
    if (current) {
      if (current.amount !== amount || current.triggerPrice !== trigger) {
        await db
          .update(orders)
          .set({ amount, triggerPrice: trigger, updatedAt: new Date() })
          .where(and(eq(orders.id, current.id), eq(orders.type, "stop"), eq(orders.status, "open")));
      }
    } else {
      await db
        .insert(orders)
        .values({ ...protectiveRow(strategy, market, "sl", amount), type: "stop", triggerPrice: trigger, clientOrderId: await nextClientOrderId(strategy, "sl"), status: "open" })
        .onConflictDoNothing();
    }
  }
  const unprotected = notes.filter((n) => !n.startsWith("take-profit waits"));
  return record(strategy.id, { state: unprotected.length > 0 ? "unprotected" : "protected", note: notes.join("; ") || null });
}

/** Makes one strategy's protection right, unless another worker is busy with its position. */
export async function protect(strategyId: string, client: ExchangeClient): Promise<ProtectionState | typeof BUSY> {
  return withStrategyLease(strategyId, () => ensureProtection(strategyId, client));
}
