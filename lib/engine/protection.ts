import "server-only";
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { orders, strategies, strategyPositions, type OrderLeg, type OrderRow, type Strategy } from "@/db/schema";
import { checkOrder, deterministicClientOrderId, floorToStep, roundPrice, type ExchangeClient, type Market } from "@/lib/exchanges";
import { ocoLegIds } from "@/lib/exchanges/venues/oco-ids";
import { cancelRow, liveRows, sendOco, sendRow, type SendResult } from "./lifecycle";
import { strategyBlock } from "./may-trade";
import { positionOf } from "./positions";
import { legHistory, refusedRecently } from "./refused-backoff";
import { isPerpSymbol } from "./perp-book";
import { ensurePerpProtection } from "./perp-protection";
import { notifyProtection } from "@/lib/notifications/engine-events";

/**
 * Protection is an invariant, not a one-shot: for every open position whose strategy has a take-profit or
 * a stop-loss, `protect` makes the protective orders match what is held, and the order monitor calls it
 * on every pass (after a restart, after trading was off, after a failed attempt).
 * - the stop-loss is our own row (`type: stop`, armed); when the price crosses it, it cancels the
 *   take-profit (confirmed canceled or filled), then becomes a market sell of no more than is held.
 *   Where the venue keeps stops itself (Binance spot), it rests there instead: alone as a stop-loss-limit
 *   when the strategy has no take-profit, or paired with the take-profit as one OCO.
 * - the take-profit is a limit order resting on the exchange for the whole position; it is placed once no
 *   entry of the strategy is still filling, and replaced (cancel confirmed first) when the position changes.
 * One worker at a time touches a position's resting orders: exits, the monitor and stops take its lease.
 */

const LEASE_MS = 60_000;
// A native stop-loss-limit's limit price sits this far under its trigger.
const NATIVE_STOP_LIMIT_GAP = "0.005";

/** The row itself and, for a leg of a native pair, its partner: they are placed and canceled together. */
const sameOrder = (row: OrderRow, other: OrderRow) => row.id === other.id || (other.listClientOrderId !== null && row.listClientOrderId === other.listClientOrderId);
export const BUSY = Symbol("busy");

/** Runs `fn` holding the strategy's position lease; answers BUSY when another worker holds it. */
export async function withStrategyLease<T>(strategyId: string, fn: () => Promise<T>): Promise<T | typeof BUSY> {
  const db = await getDb();
  const token = randomUUID();
  const until = sql`now() + ${`${LEASE_MS} milliseconds`}::interval`;
  // One statement: the position row is created holding the lease, or the lease is taken if it is free;
  // a lease in force leaves the row as it is and answers no row.
  const [held] = await db
    .insert(strategyPositions)
    .values({ strategyId, busyToken: token, busyUntil: until })
    .onConflictDoUpdate({
      target: strategyPositions.strategyId,
      set: { busyToken: token, busyUntil: until },
      setWhere: sql`(${strategyPositions.busyUntil} is null or ${strategyPositions.busyUntil} < now())`,
    })
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

/**
 * What the trader sees. Notes are codes, `code` or `code:detail`, joined by "; " (the page words them in
 * the trader's language): a switch's reason (trading_off, ...), stop_waits_for_cancel, stop_refused,
 * stop_retrying, stop_fired, stop_selling, removing, tp_waits_for_entry, tp_waits_for_exit, tp_replacing, tp_refused,
 * tp_retrying, tp_below_minimum.
 */
export type ProtectionState = { state: "none" | "protected" | "unprotected"; note: string | null };

/** Cancels the given rows; answers the reason of the first that is not over yet, or null. */
export async function cancelRows(rows: OrderRow[], client: ExchangeClient | null): Promise<string | null> {
  for (const row of rows) {
    const result = await cancelRow(row, client);
    if (!result.done) return result.reason ?? "pending";
  }
  return null;
}

/** Why a send is not confirmed yet, as a reason code the trader's page words. */
function waitReason(sent: SendResult): string {
  if (sent.status === "not_placed") return sent.error.code;
  return sent.status === "unknown" ? "network" : sent.status;
}

/**
 * Stores the state the trader sees. `seen` is the state this pass read at its start, under the strategy's
 * lease: a pass that changes nothing writes nothing (the monitor passes over every protected position).
 */
async function record(strategyId: string, result: ProtectionState, seen?: { protection: string; protectionNote: string | null }): Promise<ProtectionState> {
  if (seen && seen.protection === result.state && seen.protectionNote === result.note) return result;
  const db = await getDb();
  await db.transaction(async (tx) => {
    // The state before, read under the row's lock: a position that just lost its stop is notified once.
    const [before] = await tx
      .select({ protection: strategyPositions.protection, userId: strategies.userId, strategy: strategies.name, symbol: strategies.symbol })
      .from(strategyPositions)
      .innerJoin(strategies, eq(strategies.id, strategyPositions.strategyId))
      .where(eq(strategyPositions.strategyId, strategyId))
      .for("update", { of: strategyPositions });
    await tx
      .update(strategyPositions)
      .set({ protection: result.state, protectionNote: result.note, protectionCheckedAt: new Date() })
      .where(eq(strategyPositions.strategyId, strategyId));
    if (before) await notifyProtection(tx, { strategyId, ...before }, before.protection, result);
  });
  return result;
}

async function nextClientOrderId(strategy: Strategy, leg: OrderLeg, earlier?: number) {
  const n = earlier ?? (await legHistory(strategy.id, leg)).count;
  return deterministicClientOrderId(strategy.id, "protect", leg, String(n + 1));
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
 * Fires the strategy's armed stop when the price has crossed it: the take-profit and any resting exit
 * first (they hold the coins), then a market sell of no more than the strategy holds. Answers true when
 * the stop was crossed (fired, or waiting for those cancels).
 */
async function fireStop(strategy: Strategy, stop: OrderRow, live: OrderRow[], client: ExchangeClient, market: Market, price: string | null) {
  if (!price || !stop.triggerPrice || new Decimal(price).gt(stop.triggerPrice)) return { crossed: false, note: null };
  const holding = live.filter((r) => r.leg === "tp" || r.type === "stop_limit");
  const pending = await cancelRows([...holding, ...(await liveRows(strategy.id, ["sell", "close"]))], client);
  if (pending) return { crossed: true, note: `stop_waits_for_cancel:${pending}` };
  const held = (await positionOf(strategy.id)).amount;
  const amount = floorToStep(Decimal.max(0, Decimal.min(stop.amount, held)), market.amountStep);
  const db = await getDb();
  if (new Decimal(amount).lte(0)) {
    await db.update(orders).set({ status: "canceled", updatedAt: new Date() }).where(and(eq(orders.id, stop.id), eq(orders.status, "open")));
    return { crossed: true, note: null };
  }
  // Refused a moment ago for this amount (the venue holds fewer coins than the books): told, and tried
  // again after a back-off, not every pass.
  const refused = refusedRecently(await legHistory(strategy.id, "sl"), amount, { exclude: stop.id, same: (r) => r.type === "market" && !r.listClientOrderId });
  if (refused) return { crossed: true, note: `stop_refused:${refused}` };
  const [armed] = await db
    .update(orders)
    .set({ type: "market", status: "sending", amount, updatedAt: new Date() })
    .where(and(eq(orders.id, stop.id), eq(orders.type, "stop"), eq(orders.status, "open")))
    .returning();
  if (!armed) return { crossed: true, note: null };
  const sent = await sendRow(armed, client, { referencePrice: price });
  if (sent.status === "refused") return { crossed: true, note: `stop_refused:${sent.error.code}` };
  if (sent.status === "placed") return { crossed: true, note: null };
  return { crossed: true, note: `stop_retrying:${waitReason(sent)}` };
}

/**
 * Brings one strategy's protective orders in line with what it holds. Call it holding the strategy's
 * lease (see `protect`). Answers the state the trader sees.
 */
async function ensureProtection(strategyId: string, client: ExchangeClient, prices: PriceCache): Promise<ProtectionState> {
  const db = await getDb();
  const [strategy] = await db.select().from(strategies).where(eq(strategies.id, strategyId));
  if (!strategy) return { state: "none", note: null };
  if (isPerpSymbol(strategy.symbol)) return ensurePerpProtection(strategy, client, { record: (state) => record(strategy.id, state), price: () => priceOf(client, strategy.symbol, prices) });
  let live = await liveRows(strategy.id, ["tp", "sl"]);
  let position = await positionOf(strategy.id);
  const seen = { protection: position.protection, protectionNote: position.protectionNote };
  const done = (result: ProtectionState) => record(strategy.id, result, seen);
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
    return done({ state: "none", note: pending ? `removing:${pending}` : null });
  }
  // A switch that stops everything leaves the position unprotected (and says which); one that only
  // pauses entries keeps protection working.
  const off = await strategyBlock(strategy.id, "exit");
  if (off) return done({ state: "unprotected", note: off });

  // A level no longer configured: its resting order goes (a native pair goes whole). A native stop-loss
  // resting alone goes once there is a take-profit: both then rest as one pair, or both apart as ours.
  const unwanted = live.filter(
    (r) =>
      (r.leg === "tp" && !strategy.takeProfitPct) ||
      (r.leg === "sl" && r.type !== "market" && !strategy.stopLossPct) ||
      (r.leg === "sl" && r.type === "stop_limit" && !r.listClientOrderId && strategy.takeProfitPct),
  );
  const partners = live.filter((r) => r.listClientOrderId && unwanted.some((u) => u.listClientOrderId === r.listClientOrderId));
  if (unwanted.length > 0) {
    const pending = await cancelRows([...new Set([...unwanted, ...partners])], client);
    if (pending) return done({ state: "unprotected", note: `removing:${pending}` });
    live = await liveRows(strategy.id, ["tp", "sl"]);
  }

  const notes: string[] = [];
  const refresh = async () => {
    position = await positionOf(strategy.id);
    live = await liveRows(strategy.id, ["tp", "sl"]);
  };
  const levels = () => {
    const base = new Decimal(average() ?? avg);
    const tp = strategy.takeProfitPct ? roundPrice(base.mul(Decimal.add(1, new Decimal(strategy.takeProfitPct).div(100))), market.priceStep, "sell") : null;
    const trigger = strategy.stopLossPct ? roundPrice(base.mul(Decimal.sub(1, new Decimal(strategy.stopLossPct).div(100))), market.priceStep, "sell") : null;
    // The native stop's limit sits a little under its trigger, so a fast fall still fills it.
    const stopLimit = trigger ? roundPrice(new Decimal(trigger).mul(Decimal.sub(1, NATIVE_STOP_LIMIT_GAP)), market.priceStep, "buy") : null;
    return { tp, trigger, stopLimit };
  };
  const price = await priceOf(client, strategy.symbol, prices);
  const nativeStopOf = () => live.find((r) => r.leg === "sl" && r.type === "stop_limit");

  // A native stop that triggered but cannot fill (the price fell through its limit): the pair is
  // canceled and our own stop takes over at market, below.
  const stuck = nativeStopOf();
  if (stuck && price && stuck.price && new Decimal(price).lt(stuck.price)) {
    const pending = await cancelRows(live.filter((r) => sameOrder(r, stuck)), client);
    if (pending) return done({ state: "unprotected", note: `stop_waits_for_cancel:${pending}` });
    await refresh();
  }

  // A native stop for another amount (the position grew or shrank) or another level (the trader changed
  // it) goes, with its pair: the stop must cover all that is held at once, and an entry still filling
  // keeps it from being placed again until it is done.
  const stale = nativeStopOf();
  const staleLevel = stale && stale.triggerPrice && levels().trigger && !new Decimal(stale.triggerPrice).eq(levels().trigger!);
  if (stale && (staleLevel || !new Decimal(stale.amount).sub(stale.filled).eq(held()))) {
    const pending = await cancelRows(live.filter((r) => sameOrder(r, stale)), client);
    if (pending) return done({ state: "unprotected", note: `tp_replacing:${pending}` });
    await refresh();
  }

  // The stop-loss follows what is held at once: our own stop, unless the exchange holds a native one.
  if (strategy.stopLossPct) {
    const amount = held();
    const { trigger } = levels();
    let armed = live.find((r) => r.leg === "sl" && r.type === "stop" && r.status === "open");
    if (!nativeStopOf() && !strategy.takeProfitPct && (await placeNativeStop(strategy, market, client, price, amount, levels()))) {
      // The exchange holds the stop now (or is being asked again): ours steps aside once it is confirmed.
      live = await liveRows(strategy.id, ["tp", "sl"]);
      armed = live.find((r) => r.leg === "sl" && r.type === "stop" && r.status === "open");
    }
    const native = nativeStopOf();
    if (native) {
      if (armed && native.status === "open") await cancelRow(armed, client);
    } else if (armed) {
      if (armed.amount !== amount || armed.triggerPrice !== trigger) {
        await db
          .update(orders)
          .set({ amount, triggerPrice: trigger, updatedAt: new Date() })
          .where(and(eq(orders.id, armed.id), eq(orders.type, "stop"), eq(orders.status, "open")));
      }
    } else if (!live.some((r) => r.leg === "sl" && r.type === "market")) {
      await db
        .insert(orders)
        .values({ ...protectiveRow(strategy, market, "sl", amount), type: "stop", triggerPrice: trigger, clientOrderId: await nextClientOrderId(strategy, "sl"), status: "open" })
        .onConflictDoNothing();
    }
    live = await liveRows(strategy.id, ["tp", "sl"]);
  }

  // A stop crossed now fires before anything else is placed.
  const armed = live.find((r) => r.leg === "sl" && r.type === "stop" && r.status === "open");
  if (armed) {
    const fired = await fireStop(strategy, armed, live, client, market, price);
    if (fired.crossed) return done({ state: "unprotected", note: fired.note ?? "stop_fired" });
  }
  // A stop in flight (fired, answer pending) is the exit: nothing else is placed meanwhile.
  if (live.some((r) => r.leg === "sl" && r.type === "market")) return done({ state: "protected", note: "stop_selling" });

  // The take-profit: one order for the whole position, once no entry is still filling. Where the venue
  // has native OCO sells and the price sits between the two levels, take-profit and stop-loss go to the
  // exchange as one pair, which fires even when our servers are down.
  if (strategy.takeProfitPct) {
    const [entry] = await liveRows(strategy.id, ["buy"]);
    const { tp: tpPrice, trigger, stopLimit } = levels();
    const ocoPossible = Boolean(
      client.createOco && trigger && stopLimit && price && new Decimal(price).gt(trigger) && new Decimal(price).lt(tpPrice!),
    );
    const tps = live.filter((r) => r.leg === "tp");
    const fits = (r: OrderRow) =>
      new Decimal(r.amount).sub(r.filled).eq(held()) && (r.status === "open" || r.status === "partially_filled") && (Boolean(r.listClientOrderId) || !ocoPossible);
    const exiting = (await liveRows(strategy.id, ["sell", "close"])).length > 0;
    if (exiting) {
      // A sell of the strategy's rests on the exchange and holds the coins: it is the exit for now.
      if (tps.length === 0) notes.push("tp_waits_for_exit");
    } else if (entry) {
      if (tps.length === 0) notes.push("tp_waits_for_entry");
    } else if (!(tps.length === 1 && fits(tps[0]!))) {
      // Replacing: the old take-profit goes, with the native stop of its pair.
      const old = [...tps, ...live.filter((r) => r.type === "stop_limit" && tps.some((t) => t.listClientOrderId && t.listClientOrderId === r.listClientOrderId))];
      const pending = await cancelRows(old, client);
      if (pending) {
        notes.push(`tp_replacing:${pending}`);
      } else {
        // The cancel may have booked a last fill: place for what is held now.
        await refresh();
        const amount = held();
        const { tp: price2 } = levels();
        const check = checkOrder(market, { side: "sell", type: "limit", amount, price: price2! });
        const stopCheck = stopLimit ? checkOrder(market, { side: "sell", type: "limit", amount, price: stopLimit }) : null;
        if (live.some((r) => r.leg === "tp")) {
          // Another worker's take-profit appeared meanwhile: the next pass looks at it.
        } else if (!check.ok) {
          notes.push(`tp_below_minimum:${check.reason}`);
        } else if (ocoPossible && stopCheck?.ok) {
          const sent = await placeOco(strategy, market, { amount: check.amount, tp: check.price!, trigger: trigger!, stopLimit: stopCheck.price! }, live, client);
          if (sent.status === "refused") notes.push(`tp_refused:${sent.error.code}`);
          else if (sent.status !== "placed") notes.push(`tp_retrying:${waitReason(sent)}`);
        } else {
          const history = await legHistory(strategy.id, "tp");
          const refused = refusedRecently(history, check.amount, {
            same: (r) => r.type === "limit" && !r.listClientOrderId && r.price !== null && new Decimal(r.price).eq(check.price!),
          });
          const [row] = refused
            ? []
            : await db
                .insert(orders)
                .values({ ...protectiveRow(strategy, market, "tp", check.amount), type: "limit", price: check.price, clientOrderId: await nextClientOrderId(strategy, "tp", history.count), status: "sending" })
                .onConflictDoNothing()
                .returning();
          // Refused a moment ago for this amount and price: told, and tried again after a back-off.
          if (refused) notes.push(`tp_refused:${refused}`);
          if (row) {
            const sent = await sendRow(row, client);
            if (sent.status === "refused") notes.push(`tp_refused:${sent.error.code}`);
            else if (sent.status !== "placed") notes.push(`tp_retrying:${waitReason(sent)}`);
          }
        }
      }
    }
  }
  const unprotected = notes.filter((n) => n !== "tp_waits_for_entry" && n !== "tp_waits_for_exit");
  return done({ state: unprotected.length > 0 ? "unprotected" : "protected", note: notes.join("; ") || null });
}

/**
 * Places a native stop-loss-limit alone, for a strategy without a take-profit, where the venue keeps
 * stops, once no entry is still filling and nothing else of the strategy holds the coins. Answers false
 * when it is not placed (our own stop then protects): not possible here, below the market's minimum, the
 * price already under the trigger, or refused before for this very amount and level (not asked again and
 * again every pass).
 */
async function placeNativeStop(
  strategy: Strategy,
  market: Market,
  client: ExchangeClient,
  price: string | null,
  amount: string,
  levels: { trigger: string | null; stopLimit: string | null },
): Promise<boolean> {
  const { trigger, stopLimit } = levels;
  if (!client.nativeStops || !trigger || !stopLimit || !price || !new Decimal(price).gt(trigger)) return false;
  if ((await liveRows(strategy.id, ["buy", "sell", "close"])).length > 0) return false;
  const check = checkOrder(market, { side: "sell", type: "limit", amount, price: stopLimit });
  if (!check.ok) return false;
  const db = await getDb();
  const [last] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.strategyId, strategy.id), eq(orders.leg, "sl"), eq(orders.type, "stop_limit")))
    .orderBy(desc(orders.createdAt))
    .limit(1);
  if (last?.status === "rejected" && !last.listClientOrderId && last.amount === check.amount && last.triggerPrice === trigger) return false;
  const [row] = await db
    .insert(orders)
    .values({ ...protectiveRow(strategy, market, "sl", check.amount), type: "stop_limit", triggerPrice: trigger, price: check.price, clientOrderId: await nextClientOrderId(strategy, "sl"), status: "sending" })
    .onConflictDoNothing()
    .returning();
  if (!row) return false;
  const sent = await sendRow(row, client);
  return sent.status !== "refused" && sent.status !== "switched_off" && sent.status !== "expired";
}

/**
 * Places the exchange-native pair: our armed stop steps aside first (the exchange's stop replaces it),
 * then both rows are written and sent as one OCO.
 */
async function placeOco(
  strategy: Strategy,
  market: Market,
  levels: { amount: string; tp: string; trigger: string; stopLimit: string },
  live: OrderRow[],
  client: ExchangeClient,
): Promise<SendResult> {
  const db = await getDb();
  const armed = live.find((r) => r.leg === "sl" && r.type === "stop" && r.status === "open");
  if (armed && !(await cancelRow(armed, client)).done) return { status: "busy" };
  // Both legs' ids come from the pair's (a venue that keeps the pair as one order finds either by it).
  const { list: listClientOrderId, tp: tpId, sl: slId } = ocoLegIds(await nextClientOrderId(strategy, "tp"));
  const [tp, sl] = await db.transaction(async (tx) => {
    const [a] = await tx
      .insert(orders)
      .values({ ...protectiveRow(strategy, market, "tp", levels.amount), type: "limit", price: levels.tp, clientOrderId: tpId, listClientOrderId, status: "sending" })
      .returning();
    const [b] = await tx
      .insert(orders)
      .values({ ...protectiveRow(strategy, market, "sl", levels.amount), type: "stop_limit", triggerPrice: levels.trigger, price: levels.stopLimit, clientOrderId: slId, listClientOrderId, status: "sending" })
      .returning();
    return [a!, b!];
  });
  return sendOco(tp, sl, client);
}

/** Last prices read during one monitor pass, per exchange and symbol: one ticker call each, not one per strategy. */
export type PriceCache = Map<string, Promise<string | null>>;

function priceOf(client: ExchangeClient, symbol: string, prices: PriceCache): Promise<string | null> {
  const key = `${client.exchange}:${client.marketType}:${symbol}`;
  let price = prices.get(key);
  if (!price) {
    price = client.ticker(symbol, { fresh: true }).then((t) => t.last, () => null);
    prices.set(key, price);
  }
  return price;
}

/** Makes one strategy's protection right, unless another worker is busy with its position. */
export async function protect(strategyId: string, client: ExchangeClient, prices: PriceCache = new Map()): Promise<ProtectionState | typeof BUSY> {
  return withStrategyLease(strategyId, () => ensureProtection(strategyId, client, prices));
}
