import Decimal from "decimal.js";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect } from "vitest";
import { orders, signals, strategyExecutions, strategyPositions, type OrderLeg, type Strategy } from "@/db/schema";
import { createUser } from "@/lib/users";
import { insertStrategy } from "@/db/queries/strategies";
import { addExchangeAccount } from "@/lib/accounts";
import { resetEnvForTests } from "@/lib/env";
import { getQueue, resetQueueForTests } from "@/lib/queue";
import { generateSignalSecret, ingestSignal } from "@/lib/signals";
import type { BinanceSimulator } from "../simulator/binance-simulator";
import type { useTestDatabase } from "./test-db";

export type SignalRef = { signalName: string; secret: string; signalId: string };
export type Trader = { userId: string; accountId: string; strategyId: string; apiKey: string } & SignalRef;

/**
 * Traders for engine tests: each on a signal, a user, a simulator account and a strategy of its own, so
 * no other test's strategy sees its events; and the reads those tests make of orders and positions. The
 * simulator runs for the file, every exchange call goes to it, and the queue and rate limits live in
 * the test database.
 */
export function tradingFixture(sim: BinanceSimulator, testDb: ReturnType<typeof useTestDatabase>, prefix: string) {
  beforeAll(async () => {
    const url = await sim.start();
    Object.assign(process.env, {
      AUTH_SECRET: `${prefix}-auth-secret-0123456789abcdefghijkl`,
      ENCRYPTION_KEY: `${prefix}-master-key-0123456789abcdefghijklm`,
      EXCHANGE_API_OVERRIDE: url,
      EXCHANGE_TIMEOUT_MS: "800",
    });
    delete process.env.UPSTASH_REDIS_REST_URL;
    delete process.env.UPSTASH_REDIS_REST_TOKEN;
    resetEnvForTests();
    resetQueueForTests();
    (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
  });
  afterAll(() => sim.stop());

  const meta = { ip: null, userAgent: "vitest" };
  let counter = 0;
  let tradeId = 900_000;
  const db = () => testDb.db;

  /** A signal of its own (several traders may follow it: see `makeTrader`'s `on`). */
  async function makeSignal(name = `${prefix}-sig-${++counter}`): Promise<SignalRef> {
    const { secret, hash, hint } = generateSignalSecret();
    const [signal] = await db().insert(signals).values({ name, secretHash: hash, secretHint: hint }).returning();
    return { signalName: signal!.name, secret, signalId: signal!.id };
  }

  /** A trader on a signal of its own, or, given `on`, following a signal made by `makeSignal`. */
  async function makeTrader(strategy: Partial<Strategy> = {}, balances: Record<string, string> = { USDT: "50000" }, on?: SignalRef): Promise<Trader> {
    const n = ++counter;
    const signal = on ?? (await makeSignal(`${prefix}-${n}`));
    const apiKey = `key-${prefix}-${n}`;
    sim.addAccount({ apiKey, secret: `secret-${prefix}-${n}`, balances });
    const user = await createUser({ name: `t${n}`, email: `${prefix}-${n}@example.com`, passwordHash: "$argon2id$fake", autoApprove: true });
    const { account } = await addExchangeAccount(
      user.id,
      { exchange: "binance", label: `t${n}`, spot: true, futures: false, sandbox: false, apiKey, apiSecret: `secret-${prefix}-${n}` },
      meta,
    );
    const row = await insertStrategy({
      userId: user.id,
      name: `t${n} BTC`,
      signalId: signal.signalId,
      accountId: account.id,
      symbol: "BTC/USDT",
      sizingMode: "quote",
      sizingValue: "600",
      ...strategy,
    });
    return { userId: user.id, accountId: account.id, strategyId: row.id, apiKey, ...signal };
  }

  async function post(t: Trader, body: Record<string, unknown>) {
    const queue = await getQueue();
    const answer = await ingestSignal({
      name: t.signalName,
      rawBody: JSON.stringify({ secret: t.secret, ...body }),
      contentType: "application/json",
      headers: {},
      ip: "127.0.0.1",
      enqueue: async (eventId) => {
        await queue.enqueue("signals", { eventId });
      },
    });
    expect(answer.status).toBe(202);
    return String(answer.body.eventId);
  }

  async function ordersOf(strategyId: string) {
    return db().select().from(orders).where(eq(orders.strategyId, strategyId));
  }

  async function legOf(strategyId: string, eventId: string, leg: OrderLeg) {
    const [row] = await db()
      .select()
      .from(orders)
      .where(and(eq(orders.strategyId, strategyId), eq(orders.eventId, eventId), eq(orders.leg, leg)));
    return row;
  }

  /** The strategy's latest protective order of a leg (protection belongs to the position, not to one entry). */
  async function protectiveOf(strategyId: string, leg: "tp" | "sl") {
    const rows = await db()
      .select()
      .from(orders)
      .where(and(eq(orders.strategyId, strategyId), eq(orders.leg, leg)))
      .orderBy(desc(orders.createdAt));
    return rows[0];
  }

  async function executionOf(strategyId: string, eventId: string) {
    const [row] = await db()
      .select()
      .from(strategyExecutions)
      .where(and(eq(strategyExecutions.strategyId, strategyId), eq(strategyExecutions.eventId, eventId)));
    return row;
  }

  async function positionRow(strategyId: string) {
    const [position] = await db().select().from(strategyPositions).where(eq(strategyPositions.strategyId, strategyId));
    return position;
  }

  async function heldBy(strategyId: string) {
    return (await positionRow(strategyId))?.amount ?? "0";
  }

  function simOrder(apiKey: string, clientOrderId: string) {
    const order = sim.account(apiKey).orders.find((o) => o.clientOrderId === clientOrderId);
    if (!order) throw new Error(`no simulator order ${clientOrderId}`);
    return order;
  }

  function simBtc(apiKey: string) {
    const btc = sim.account(apiKey).balances.get("BTC");
    return btc ? btc.free.add(btc.locked) : new Decimal(0);
  }

  /**
   * The exchange fills part of a resting limit order, at its limit price or a better one given
   * (commission in the asset received, as on Binance).
   */
  function partiallyFill(apiKey: string, clientOrderId: string, qty: string, at?: string) {
    const order = simOrder(apiKey, clientOrderId);
    const q = new Decimal(qty);
    const price = new Decimal(at ?? order.price);
    const cost = q.mul(price);
    const balances = sim.account(apiKey).balances;
    const usdt = balances.get("USDT")!;
    const btc = balances.get("BTC") ?? { free: new Decimal(0), locked: new Decimal(0) };
    balances.set("BTC", btc);
    const commission = order.side === "BUY" ? q.mul("0.001") : cost.mul("0.001");
    if (order.side === "BUY") {
      // Locked at the limit price; a better price gives the difference back.
      usdt.locked = usdt.locked.sub(q.mul(order.price));
      usdt.free = usdt.free.add(q.mul(order.price)).sub(cost);
      btc.free = btc.free.add(q).sub(commission);
    } else {
      btc.locked = btc.locked.sub(q);
      usdt.free = usdt.free.add(cost).sub(commission);
    }
    const commissionAsset = order.side === "BUY" ? "BTC" : "USDT";
    order.fills.push({ price: price.toString(), qty: q.toString(), commission: commission.toString(), commissionAsset, tradeId: tradeId++ });
    order.executedQty = order.executedQty.add(q);
    order.cummulativeQuoteQty = order.cummulativeQuoteQty.add(cost);
    order.status = order.executedQty.eq(order.origQty) ? "FILLED" : "PARTIALLY_FILLED";
    order.updateTime = Date.now();
  }

  /** The exchange ends what is left of an order itself (a user cancel on the exchange's site, an expiry). */
  function endOnExchange(apiKey: string, clientOrderId: string, status: "CANCELED" | "EXPIRED") {
    const order = simOrder(apiKey, clientOrderId);
    const remaining = order.origQty.sub(order.executedQty);
    const held = sim.account(apiKey).balances.get(order.side === "BUY" ? "USDT" : "BTC")!;
    const locked = order.side === "BUY" ? remaining.mul(order.price) : remaining;
    held.locked = held.locked.sub(locked);
    held.free = held.free.add(locked);
    order.status = status;
    order.updateTime = Date.now();
  }

  return { makeSignal, makeTrader, post, ordersOf, legOf, protectiveOf, executionOf, positionRow, heldBy, simOrder, simBtc, partiallyFill, endOnExchange, nextId: () => ++counter };
}
