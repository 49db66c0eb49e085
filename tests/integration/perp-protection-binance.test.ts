import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, inArray } from "drizzle-orm";
import { fills, orders, signals, strategyPositions } from "@/db/schema";
import { createUser } from "@/lib/users";
import { insertStrategy, setTradingEnabled } from "@/db/queries/strategies";
import { addExchangeAccount } from "@/lib/accounts";
import { drainSignals, monitorOrders } from "@/lib/engine";
import { forgetLeverage } from "@/lib/engine/leverage";
import { lifecycleTiming } from "@/lib/engine/lifecycle";
import { resetEnvForTests } from "@/lib/env";
import { getQueue, resetQueueForTests } from "@/lib/queue";
import { generateSignalSecret, ingestSignal } from "@/lib/signals";
import { fifoFigures } from "@/lib/statistics";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";

// Take-profit and stop-loss of a Binance USDT-M perpetual, kept by the venue (conditional closePosition
// orders of the Algo Service), through ccxt's own code against the simulator's /fapi.
const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const meta = { ip: null, userAgent: "vitest" };
const API_KEY = "perp-protected";
let secret = "";
let userId = "";
let strategyId = "";

async function post(body: Record<string, unknown>) {
  const queue = await getQueue();
  const answer = await ingestSignal({
    name: "perp-protect",
    rawBody: JSON.stringify({ secret, symbol: "BTCUSDT.P", ...body }),
    contentType: "application/json",
    headers: {},
    ip: "127.0.0.1",
    enqueue: async (eventId) => {
      await queue.enqueue("signals", { eventId });
    },
  });
  expect(answer.status).toBe(202);
  await drainSignals({ budgetMs: 15_000 });
}

const position = async () => (await testDb.db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, strategyId)))[0]!;
const protective = () =>
  testDb.db
    .select()
    .from(orders)
    .where(and(eq(orders.strategyId, strategyId), inArray(orders.leg, ["tp", "sl"])))
    .orderBy(asc(orders.createdAt));
const algos = () => sim.futures.algos(API_KEY);
const contracts = () => sim.futures.desk.position(API_KEY, "BTCUSDT").contracts.toFixed();
const waiting = () =>
  algos()
    .filter((a) => a.algoStatus === "NEW")
    .map((a) => [a.orderType, a.side, a.triggerPrice.toFixed(), a.closePosition, a.timeInForce])
    .sort();

beforeAll(async () => {
  const url = await sim.start();
  Object.assign(process.env, {
    AUTH_SECRET: "perp-protect-auth-secret-0123456789abcdef",
    ENCRYPTION_KEY: "perp-protect-master-key-0123456789abcdefg",
    EXCHANGE_API_OVERRIDE: url,
    EXCHANGE_TIMEOUT_MS: "1500",
  });
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
  resetEnvForTests();
  resetQueueForTests();
  forgetLeverage();
  (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
  const generated = generateSignalSecret();
  secret = generated.secret;
  const [signal] = await testDb.db.insert(signals).values({ name: "perp-protect", secretHash: generated.hash, secretHint: generated.hint }).returning();
  userId = (await createUser({ name: "Sam", email: "sam-perp-protect@example.com", passwordHash: "$argon2id$fake", autoApprove: true })).id;
  sim.addAccount({ apiKey: API_KEY, secret: `secret-of-${API_KEY}` });
  const { account } = await addExchangeAccount(
    userId,
    { exchange: "binance", label: "Binance USDT-M", spot: false, futures: true, sandbox: false, apiKey: API_KEY, apiSecret: `secret-of-${API_KEY}` },
    meta,
  );
  const strategy = await insertStrategy({
    userId,
    name: "BTC perp protected",
    signalId: signal!.id,
    accountId: account.id,
    symbol: "BTC/USDT:USDT",
    sizingMode: "quote",
    sizingValue: "3000",
    leverage: 3,
    marginMode: "isolated",
    takeProfitPct: "5",
    stopLossPct: "2",
  });
  strategyId = strategy.id;
});
afterAll(() => sim.stop());

describe("take-profit and stop-loss on a Binance USDT-M perpetual", () => {
  it("a long gets a stop below and a take-profit above, on the venue, under our pair ids", async () => {
    await post({ action: "buy", position: "long", price: "60000", id: "pp-1" });
    // Entry 0.05 BTC at 60,000 plus 1.2 fee: average 60,024; +5% = 63,025.2, -2% = 58,823.52 (tick 0.1, up).
    expect(waiting()).toEqual([
      ["STOP_MARKET", "SELL", "58823.6", true, "GTE_GTC"],
      ["TAKE_PROFIT_MARKET", "SELL", "63025.2", true, "GTE_GTC"],
    ]);
    const rows = await protective();
    expect(rows.map((r) => [r.leg, r.side, r.type, r.reduceOnly, r.amount, r.status])).toEqual([
      ["sl", "sell", "market", true, "0.05", "open"],
      ["tp", "sell", "market", true, "0.05", "open"],
    ]);
    expect(rows.find((r) => r.leg === "sl")!.clientOrderId).toMatch(/^sb[0-9a-f]{29}s$/);
    expect(rows.find((r) => r.leg === "tp")!.clientOrderId).toMatch(/^sb[0-9a-f]{29}t$/);
    expect(algos().map((a) => a.clientAlgoId).sort()).toEqual(rows.map((r) => r.clientOrderId).sort());
    expect(await position()).toMatchObject({ amount: "0.05", protection: "protected" });
    // The venue's conditional orders are not plain ones: nothing was sent reduceOnly with a quantity.
    expect(sim.futures.orders(API_KEY)).toHaveLength(1);
    // A monitor pass finds them right: nothing replaced.
    await monitorOrders({ budgetMs: 10_000 });
    expect(algos()).toHaveLength(2);
    expect((await protective()).map((r) => r.status)).toEqual(["open", "open"]);
  });

  it("the stop fires with our servers down; the next pass books it flat with its P&L and the take-profit is gone", async () => {
    sim.futures.setPrice("BTCUSDT", "58000");
    // The venue alone: the long closed, the take-profit expired with the position (GTE_GTC).
    expect(contracts()).toBe("0");
    expect(algos().map((a) => [a.orderType, a.algoStatus])).toEqual([
      ["STOP_MARKET", "FINISHED"],
      ["TAKE_PROFIT_MARKET", "EXPIRED"],
    ]);
    await monitorOrders({ budgetMs: 10_000 });
    const rows = await protective();
    expect(rows.map((r) => [r.leg, r.status, r.filled, r.average])).toEqual([
      ["sl", "filled", "0.05", "58000"],
      ["tp", "expired", "0", null],
    ]);
    // 0.05 x 58,000 = 2,900 less 1.16 fee, against 3,001.2 paid: -102.36.
    expect(await position()).toMatchObject({ amount: "0", realizedPnl: "-102.36", protection: "none" });
    const ledger = await testDb.db.select().from(fills).where(eq(fills.strategyId, strategyId));
    expect(fifoFigures(ledger).realizedPnl).toBe("-102.36");
  });

  it("a short is mirrored: stop above, take-profit below; the take-profit fires and the stop expires", async () => {
    await post({ action: "sell", position: "short", price: "58000", id: "pp-2" });
    // 0.051 BTC short at 58,000 less 1.1832 fee: average 57,976.8; -5% = 55,077.96, +2% = 59,136.336 (tick 0.1, down).
    expect(waiting()).toEqual([
      ["STOP_MARKET", "BUY", "59136.3", true, "GTE_GTC"],
      ["TAKE_PROFIT_MARKET", "BUY", "55077.9", true, "GTE_GTC"],
    ]);
    expect(await position()).toMatchObject({ amount: "-0.051", protection: "protected" });
    sim.futures.setPrice("BTCUSDT", "55000");
    expect(contracts()).toBe("0");
    await monitorOrders({ budgetMs: 10_000 });
    // 2,956.8168 received, 2,805 + 1.122 paid back: +150.6948; with the long's -102.36: 48.3348.
    expect(await position()).toMatchObject({ amount: "0", realizedPnl: "48.3348", protection: "none" });
    expect(waiting()).toEqual([]);
  });

  it("a reversal cancels both before the close, then protects the new side", async () => {
    await post({ action: "buy", position: "long", price: "55000", id: "pp-3" });
    const longPair = algos().filter((a) => a.algoStatus === "NEW");
    expect(longPair.map((a) => a.side)).toEqual(["SELL", "SELL"]);
    const before = sim.requests.length;
    sim.futures.setPrice("BTCUSDT", "56000");
    await post({ action: "sell", position: "short", price: "56000", id: "pp-4" });
    expect(longPair.map((a) => a.algoStatus)).toEqual(["CANCELED", "CANCELED"]);
    // Both canceled on the venue before the reversal's close was sent.
    const after = sim.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    const cancels = after.map((p, i) => (p === "DELETE /fapi/v1/algoOrder" ? i : -1)).filter((i) => i >= 0);
    expect(cancels).toHaveLength(2);
    expect(Math.max(...cancels)).toBeLessThan(after.indexOf("POST /fapi/v1/order"));
    expect(waiting().map(([type, side]) => [type, side])).toEqual([
      ["STOP_MARKET", "BUY"],
      ["TAKE_PROFIT_MARKET", "BUY"],
    ]);
    expect((await position()).protection).toBe("protected");
  });

  it("a lost answer on placing protection is found by client id and never doubled", async () => {
    await post({ action: "buy", position: "flat", price: "56000", id: "pp-5" });
    expect(waiting()).toEqual([]);
    // The next conditional order is accepted, but its answer never arrives.
    sim.injectFault({ kind: "timeout-after-accept", path: "/fapi/v1/algoOrder", holdMs: 3_000 });
    const from = sim.requests.length;
    const placedBefore = algos().length;
    await post({ action: "buy", position: "long", price: "56000", id: "pp-6" });
    const sent = sim.requests.slice(from).filter((r) => r.path === "/fapi/v1/algoOrder").map((r) => r.method);
    // The stop's answer was lost: looked up by its client id (found), then the take-profit; two placed, no third.
    expect(sent).toEqual(["POST", "GET", "POST"]);
    await monitorOrders({ budgetMs: 10_000 });
    await monitorOrders({ budgetMs: 10_000 });
    const live = (await protective()).filter((r) => r.status === "open");
    expect(live.map((r) => r.leg).sort()).toEqual(["sl", "tp"]);
    expect(waiting().map(([type, side]) => [type, side])).toEqual([
      ["STOP_MARKET", "SELL"],
      ["TAKE_PROFIT_MARKET", "SELL"],
    ]);
    // One order per client id on the venue, and only the two of this position.
    expect(algos().length - placedBefore).toBe(2);
    const ids = algos().map((a) => a.clientAlgoId);
    expect(new Set(ids).size).toBe(ids.length);
    expect((await position()).protection).toBe("protected");
  });

  it("stop everything cancels them on the venue and the page says unprotected", async () => {
    await setTradingEnabled(userId, false, false);
    const { cancelOpenOrders } = await import("@/lib/engine/kill");
    expect(await cancelOpenOrders(userId)).toEqual({ canceled: 2, failed: 0 });
    expect(waiting()).toEqual([]);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await position()).toMatchObject({ protection: "unprotected", protectionNote: "trading_off" });
    expect(waiting()).toEqual([]);
    // The price falls through where the stop was: nothing on the venue closes the long now.
    sim.futures.setPrice("BTCUSDT", "50000");
    expect(contracts()).toBe("0.053");
  });

  it("an add on the same side keeps the stop and take-profit on the venue while the add waits", async () => {
    await setTradingEnabled(userId, true, true);
    const held = await position();
    const entry = new Decimal(held.costBasis).div(held.amount).toDecimalPlaces(1).toFixed();
    sim.futures.setPrice("BTCUSDT", entry);
    await monitorOrders({ budgetMs: 10_000 });
    const pair = waiting();
    expect(pair).toHaveLength(2);
    // The venue refuses new orders for a while: the add waits, and the position keeps its protection.
    sim.injectFault({ kind: "status", status: 503, path: "/fapi/v1/order", method: "POST", apiKey: API_KEY, count: 10_000 });
    try {
      await post({ action: "buy", position: "long", price: entry, id: "pp-add" });
      expect(waiting()).toEqual(pair);
      expect(contracts()).toBe(held.amount);
    } finally {
      sim.clearFaults();
    }
  });

  it("with no price this pass nothing is placed (a venue may take a trigger's direction from the price): the trader is told, the next pass places", async () => {
    // The add whose answer the 503s lost is looked up, not found, and sent again first.
    lifecycleTiming.lookupGraceMs = 100;
    await new Promise((r) => setTimeout(r, 150));
    await monitorOrders({ budgetMs: 10_000 });
    await monitorOrders({ budgetMs: 10_000 });
    expect(await position()).toMatchObject({ protection: "protected", protectionNote: null });
    // The pair is gone from the venue (canceled there) while the venue's price cannot be read.
    for (const a of algos()) if (a.algoStatus === "NEW") a.order.status = "canceled";
    sim.injectFault({ kind: "status", status: 503, path: "/fapi/v1/ticker/24hr", count: 10_000 });
    const placed = () => sim.requests.filter((r) => r.method === "POST" && r.path === "/fapi/v1/algoOrder").length;
    const before = placed();
    try {
      await monitorOrders({ budgetMs: 10_000 });
      expect(placed()).toBe(before);
      expect(await position()).toMatchObject({ protection: "unprotected", protectionNote: "stop_retrying:no_price; tp_retrying:no_price" });
    } finally {
      sim.clearFaults();
    }
    await monitorOrders({ budgetMs: 10_000 });
    expect(placed() - before).toBe(2);
    expect(waiting().map(([type, side]) => [type, side])).toEqual([
      ["STOP_MARKET", "SELL"],
      ["TAKE_PROFIT_MARKET", "SELL"],
    ]);
    expect(await position()).toMatchObject({ protection: "protected", protectionNote: null });
  });

  it("a reduce-only close the venue refuses (the position was closed there by hand) is told and not sent again every pass", async () => {
    const held = await position();
    expect(held).toMatchObject({ protection: "protected", protectionNote: null });
    expect(new Decimal(held.amount).gt(0)).toBe(true);
    // The trader closed the long on the venue's own site: the position is gone there and its conditional
    // orders expired with it (GTE_GTC); our books still say long.
    sim.futures.desk.position(API_KEY, "BTCUSDT").contracts = new Decimal(0);
    for (const a of algos()) if (a.algoStatus === "NEW") Object.assign(a.order, { status: "canceled", expired: true });
    // The price falls through the stop: the close at market (reduce-only) is refused by the venue.
    sim.futures.setPrice("BTCUSDT", "40000");
    const closes = () => sim.requests.filter((r) => r.method === "POST" && r.path === "/fapi/v1/order").length;
    const refused = async () => (await protective()).filter((r) => r.leg === "sl" && r.status === "rejected" && r.triggerPrice === null);
    const before = closes();
    await monitorOrders({ budgetMs: 10_000 });
    expect(closes() - before).toBe(1);
    expect(await refused()).toHaveLength(1);
    expect(await position()).toMatchObject({ protection: "unprotected", protectionNote: expect.stringMatching(/^stop_refused:/) });
    await monitorOrders({ budgetMs: 10_000 });
    await monitorOrders({ budgetMs: 10_000 });
    expect(closes() - before).toBe(1);
    expect(await refused()).toHaveLength(1);
    expect((await position()).protectionNote).toMatch(/^stop_refused:/);
    // After the back-off it is asked again (the venue may hold the position again by then).
    await testDb.db.update(orders).set({ updatedAt: new Date(Date.now() - 31_000) }).where(and(eq(orders.strategyId, strategyId), eq(orders.status, "rejected")));
    await monitorOrders({ budgetMs: 10_000 });
    expect(closes() - before).toBe(2);
    expect(await refused()).toHaveLength(2);
  });
});

