import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import Decimal from "decimal.js";
import { and, eq, inArray, sql } from "drizzle-orm";
import { orders, rateLimitCounters, signalEvents } from "@/db/schema";
import { setTradingEnabled } from "@/db/queries/strategies";
import { drainSignals, monitorOrders } from "@/lib/engine";
import { insertWithinCaps } from "@/lib/engine/caps";
import { lifecycleTiming } from "@/lib/engine/lifecycle";
import { applyFill } from "@/lib/engine/positions";
import { deterministicClientOrderId } from "@/lib/exchanges";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture, type Trader } from "../helpers/trading";

/**
 * Exits that always happen: each case here is a way a trader lost an exit (or booked a wrong one) before
 * the one order lifecycle, driven through ccxt's real binance class against the simulator.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, ordersOf, legOf, protectiveOf, executionOf, positionRow, heldBy, simOrder, simBtc, partiallyFill } = tradingFixture(sim, testDb, "exits");

/** Drains until the event is no longer queued (transient waits come back after a delay), bounded. */
async function drainUntilDone(eventIds: string[], limitMs = 15_000) {
  const until = Date.now() + limitMs;
  for (;;) {
    await drainSignals({ budgetMs: 5_000 });
    const left = await testDb.db.select({ id: signalEvents.id }).from(signalEvents).where(and(inArray(signalEvents.id, eventIds), eq(signalEvents.status, "queued")));
    if (left.length === 0 || Date.now() > until) return left.length;
    await new Promise((r) => setTimeout(r, 150));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const simOrdersOf = (t: Trader) => sim.account(t.apiKey).orders;

beforeAll(() => {
  lifecycleTiming.lookupGraceMs = 200;
});

beforeEach(async () => {
  sim.setPrice("BTCUSDT", "60000");
  // No test inherits another's spent budget or block.
  await testDb.db.delete(rateLimitCounters);
});

describe("exits are never blocked by entry rules", () => {
  it("a sell signal cancels the strategy's own resting take-profit, sells what it holds, and protects the rest", async () => {
    const t = await makeTrader({ takeProfitPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "sell-1" });
    await drainUntilDone([buy]);
    const tp = (await protectiveOf(t.strategyId, "tp"))!;
    expect(tp).toMatchObject({ status: "open", amount: "0.00999" });

    // 600 USDT at 61000 is 0.00983 BTC: less than is held, so part of the position stays.
    const sell = await post(t, { action: "sell", symbol: "BTC/USDT", price: "61000", id: "sell-2" });
    expect(await drainUntilDone([sell])).toBe(0);
    expect(await executionOf(t.strategyId, sell)).toMatchObject({ outcome: "sent" });
    expect(await legOf(t.strategyId, sell, "sell")).toMatchObject({ status: "filled", amount: "0.00983" });
    expect((await testDb.db.select().from(orders).where(eq(orders.id, tp.id)))[0]!.status).toBe("canceled");
    expect(await heldBy(t.strategyId)).toBe("0.00016");
    // What is left is protected again, for what is left.
    expect(await protectiveOf(t.strategyId, "tp")).toMatchObject({ status: "open", amount: "0.00016" });
    expect(simBtc(t.apiKey).toFixed()).toBe("0.00016");
  });

  it("a resting limit sell is the exit for now: protection does not fight it, and a crossed stop cancels it first", async () => {
    const t = await makeTrader({ takeProfitPct: "10", stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "limit-exit-1" });
    await drainUntilDone([buy]);
    // The sell rests 2 % above the signal's price.
    const { updateStrategy } = await import("@/db/queries/strategies");
    await updateStrategy(t.userId, t.strategyId, { orderType: "limit", limitOffsetPct: "2", sizingMode: "base", sizingValue: "1" });
    const sell = await post(t, { action: "sell", symbol: "BTC/USDT", price: "60000", id: "limit-exit-2" });
    await drainUntilDone([sell]);
    expect(await legOf(t.strategyId, sell, "sell")).toMatchObject({ status: "open", price: "61200", amount: "0.00999" });
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "tp")).toMatchObject({ status: "canceled" });
    expect((await positionRow(t.strategyId))!.protectionNote).toBe("tp_waits_for_exit");
    sim.setPrice("BTCUSDT", "56000");
    await monitorOrders({ budgetMs: 10_000 });
    expect(await legOf(t.strategyId, sell, "sell")).toMatchObject({ status: "canceled" });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ status: "filled", amount: "0.00999" });
    expect(await heldBy(t.strategyId)).toBe("0");
  });

  it("max_open_orders counts entries only: a close with the take-profit and stop-loss resting is sent", async () => {
    const t = await makeTrader({ takeProfitPct: "5", stopLossPct: "5", maxOpenOrders: 2 });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "cap-1" });
    await drainUntilDone([buy]);
    expect((await ordersOf(t.strategyId)).filter((o) => o.status === "open").map((o) => o.leg).sort()).toEqual(["sl", "tp"]);
    const close = await post(t, { action: "close", symbol: "BTC/USDT", price: "60000", id: "cap-2" });
    expect(await drainUntilDone([close])).toBe(0);
    expect(await executionOf(t.strategyId, close)).toMatchObject({ outcome: "sent" });
    expect(await legOf(t.strategyId, close, "close")).toMatchObject({ status: "filled", amount: "0.00999" });
    expect((await ordersOf(t.strategyId)).filter((o) => o.status === "open")).toHaveLength(0);
    expect(await heldBy(t.strategyId)).toBe("0");
    // A second buy is still within the cap: the canceled exits never counted.
    const again = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "cap-3" });
    await drainUntilDone([again]);
    expect(await executionOf(t.strategyId, again)).toMatchObject({ outcome: "sent" });
  });
});

describe("protection is an invariant", () => {
  it("a stop whose cancel of the exchange's own stop is rate limited keeps trying and sells once the cancel goes through", async () => {
    // On ETH, so no other test's position reacts to this price move.
    const t = await makeTrader({ symbol: "ETH/USDT", takeProfitPct: "5", stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "ETH/USDT", price: "3000", id: "stop-retry-1" });
    await drainUntilDone([buy]);
    expect(await protectiveOf(t.strategyId, "tp")).toMatchObject({ status: "open", amount: "0.1998" });
    sim.setPrice("ETHUSDT", "2800");
    // The exchange's stop triggered (its take-profit leg expired) but its limit is above the market: it
    // is canceled before our market stop sells, and that cancel is refused (429, retry after 1 s).
    sim.injectFault({ kind: "status", status: 429, retryAfter: 1, path: "/api/v3/order", method: "DELETE" });
    await monitorOrders({ budgetMs: 10_000 });
    // The native stop still holds the coins: our stop did not sell into them, and is not lost.
    expect(await protectiveOf(t.strategyId, "tp")).toMatchObject({ status: "expired" });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ status: "open", type: "stop_limit" });
    expect(simOrdersOf(t).filter((o) => o.side === "SELL" && o.type === "MARKET")).toHaveLength(0);
    expect(await positionRow(t.strategyId)).toMatchObject({ protection: "unprotected" });
    expect((await positionRow(t.strategyId))!.protectionNote).toMatch(/^stop_waits_for_cancel:/);
    await sleep(1_100);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ status: "filled", type: "market", amount: "0.1998" });
    expect(await heldBy(t.strategyId)).toBe("0");
    const eth = sim.account(t.apiKey).balances.get("ETH")!;
    expect(eth.free.add(eth.locked).toFixed()).toBe("0");
  });

  it("on Binance the take-profit and stop-loss rest on the exchange as one OCO, and fire with our servers down", async () => {
    const t = await makeTrader({ takeProfitPct: "5", stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "native-1" });
    await drainUntilDone([buy]);
    const tp = (await protectiveOf(t.strategyId, "tp"))!;
    const sl = (await protectiveOf(t.strategyId, "sl"))!;
    expect(sl).toMatchObject({ type: "stop_limit", status: "open", listClientOrderId: tp.listClientOrderId });
    expect(simOrder(t.apiKey, sl.clientOrderId)).toMatchObject({ type: "STOP_LOSS_LIMIT", status: "NEW" });
    // Nothing of ours runs while the price falls to the stop: the exchange sells by itself.
    sim.walkPrice("BTCUSDT", ["59000", "58000", "57000"]);
    expect(simOrder(t.apiKey, sl.clientOrderId).status).toBe("FILLED");
    expect(simOrder(t.apiKey, tp.clientOrderId).status).toBe("EXPIRED");
    expect(simBtc(t.apiKey).toFixed()).toBe("0");
    // Back up: the monitor books what happened.
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ id: sl.id, status: "filled", filled: "0.00999" });
    expect(await protectiveOf(t.strategyId, "tp")).toMatchObject({ id: tp.id, status: "expired" });
    const position = (await positionRow(t.strategyId))!;
    expect(position).toMatchObject({ amount: "0", protection: "none" });
    // The triggered stop-limit (limit 56771.77) took the market at 57000, less 0.1 % in USDT, against 600 paid.
    expect(new Decimal(position.realizedPnl).toFixed()).toBe(new Decimal("0.00999").mul("57000").mul("0.999").sub(600).toFixed());
  });

  it("a level the strategy no longer has is taken off the exchange: the native pair goes, a plain take-profit stays", async () => {
    const t = await makeTrader({ takeProfitPct: "5", stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "unwanted-1" });
    await drainUntilDone([buy]);
    const pair = (await protectiveOf(t.strategyId, "sl"))!;
    expect(pair.type).toBe("stop_limit");
    const { updateStrategy } = await import("@/db/queries/strategies");
    await updateStrategy(t.userId, t.strategyId, { stopLossPct: null });
    await monitorOrders({ budgetMs: 10_000 });
    expect(simOrder(t.apiKey, pair.clientOrderId).status).toBe("CANCELED");
    const tp = (await protectiveOf(t.strategyId, "tp"))!;
    expect(tp).toMatchObject({ status: "open", type: "limit", listClientOrderId: null, amount: "0.00999" });
    expect((await ordersOf(t.strategyId)).filter((o) => o.leg === "sl" && ["open", "sending"].includes(o.status))).toHaveLength(0);
    expect(await positionRow(t.strategyId)).toMatchObject({ protection: "protected" });
  });

  it("a stop-loss alone rests on Binance as a STOP_LOSS_LIMIT sized to the position, and fires with our servers down", async () => {
    const t = await makeTrader({ stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "native-sl-1" });
    await drainUntilDone([buy]);
    const sl = (await protectiveOf(t.strategyId, "sl"))!;
    expect(sl).toMatchObject({ type: "stop_limit", status: "open", listClientOrderId: null, amount: "0.00999" });
    // 5 % under the average entry: 600 USDT paid for 0.00999 BTC after the fee in BTC.
    expect(sl.triggerPrice).toBe("57057.06");
    expect(simOrder(t.apiKey, sl.clientOrderId)).toMatchObject({ type: "STOP_LOSS_LIMIT", status: "NEW" });
    expect(simOrder(t.apiKey, sl.clientOrderId).origQty.toFixed()).toBe("0.00999");
    // Our own stop stepped aside: one stop, the exchange's.
    expect((await ordersOf(t.strategyId)).filter((o) => o.leg === "sl" && o.type === "stop" && o.status === "open")).toHaveLength(0);
    expect(await positionRow(t.strategyId)).toMatchObject({ protection: "protected" });
    // A second pass changes nothing: no new stop per pass.
    await monitorOrders({ budgetMs: 10_000 });
    expect((await ordersOf(t.strategyId)).filter((o) => o.leg === "sl")).toHaveLength(1);

    sim.walkPrice("BTCUSDT", ["59000", "58000", "57000"]);
    expect(simOrder(t.apiKey, sl.clientOrderId).status).toBe("FILLED");
    expect(simBtc(t.apiKey).toFixed()).toBe("0");
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ id: sl.id, status: "filled", filled: "0.00999" });
    expect(await positionRow(t.strategyId)).toMatchObject({ amount: "0", protection: "none" });
  });

  it("a native stop-loss goes with the position's size and level, and pairs with a take-profit once the strategy has one", async () => {
    const t = await makeTrader({ stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "native-sl-2" });
    await drainUntilDone([buy]);
    const first = (await protectiveOf(t.strategyId, "sl"))!;
    const { updateStrategy } = await import("@/db/queries/strategies");
    await updateStrategy(t.userId, t.strategyId, { stopLossPct: "4" });
    await monitorOrders({ budgetMs: 10_000 });
    expect(simOrder(t.apiKey, first.clientOrderId).status).toBe("CANCELED");
    const second = (await protectiveOf(t.strategyId, "sl"))!;
    expect(second).toMatchObject({ type: "stop_limit", status: "open", listClientOrderId: null, amount: "0.00999" });
    expect(Number(second.triggerPrice)).toBeCloseTo((600 / 0.00999) * 0.96, 1);
    await updateStrategy(t.userId, t.strategyId, { takeProfitPct: "5" });
    await monitorOrders({ budgetMs: 10_000 });
    expect(simOrder(t.apiKey, second.clientOrderId).status).toBe("CANCELED");
    const tp = (await protectiveOf(t.strategyId, "tp"))!;
    const paired = (await protectiveOf(t.strategyId, "sl"))!;
    expect(paired).toMatchObject({ type: "stop_limit", status: "open", listClientOrderId: tp.listClientOrderId });
    expect(tp.listClientOrderId).not.toBeNull();
    expect(simOrdersOf(t).filter((o) => o.side === "SELL" && o.status === "NEW")).toHaveLength(2);
  });

  it("a stop the market fell through is taken over by ours at market; its sell gets no answer, is looked up and sent again, never given up", async () => {
    const t = await makeTrader({ stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "stop-503-1" });
    await drainUntilDone([buy]);
    const native = (await protectiveOf(t.strategyId, "sl"))!;
    // A gap under the native stop's limit (56715): triggered on the exchange, its limit rests unfilled.
    sim.setPrice("BTCUSDT", "56000");
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/order", method: "POST" });
    await monitorOrders({ budgetMs: 10_000 });
    expect((await ordersOf(t.strategyId)).find((o) => o.id === native.id)).toMatchObject({ status: "canceled" });
    const stop = (await protectiveOf(t.strategyId, "sl"))!;
    expect(stop).toMatchObject({ type: "market", status: "unknown" });
    await sleep(250);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ id: stop.id, status: "filled", amount: "0.00999" });
    const sold = simOrdersOf(t).filter((o) => o.side === "SELL" && new Decimal(o.executedQty).gt(0));
    expect(sold.map((o) => o.clientOrderId)).toEqual([stop.clientOrderId]);
    expect(await heldBy(t.strategyId)).toBe("0");
  });

  it("a stop the venue refuses is told and tried again after a back-off, not on every pass, and sells once the venue takes it", async () => {
    const t = await makeTrader({ stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "stop-refused-1" });
    await drainUntilDone([buy]);
    // The key lost its trade permission on the venue; the price gaps under the native stop's limit.
    sim.account(t.apiKey).canTrade = false;
    sim.setPrice("BTCUSDT", "56000");
    const sells = () => sim.requests.filter((r) => r.method === "POST" && r.path === "/api/v3/order").length;
    const refusedSells = async () => (await ordersOf(t.strategyId)).filter((o) => o.leg === "sl" && o.type === "market" && o.status === "rejected");
    const before = sells();
    await monitorOrders({ budgetMs: 10_000 });
    expect(await refusedSells()).toHaveLength(1);
    expect(sells() - before).toBe(1);
    expect((await positionRow(t.strategyId))?.protectionNote).toMatch(/^stop_refused:/);
    // The next passes, at once: nothing sent again, the trader still told why.
    await monitorOrders({ budgetMs: 10_000 });
    await monitorOrders({ budgetMs: 10_000 });
    expect(sells() - before).toBe(1);
    expect(await refusedSells()).toHaveLength(1);
    expect(await positionRow(t.strategyId)).toMatchObject({ protection: "unprotected", protectionNote: expect.stringMatching(/^stop_refused:/) });
    // Once the back-off (30 s after the first refusal) has passed, it is tried again.
    const age = (ms: number) => testDb.db.update(orders).set({ updatedAt: new Date(Date.now() - ms) }).where(and(eq(orders.strategyId, t.strategyId), eq(orders.status, "rejected")));
    await age(31_000);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await refusedSells()).toHaveLength(2);
    // The second refusal waits twice as long: 31 s is not enough, 61 s is; then the venue takes it.
    sim.account(t.apiKey).canTrade = true;
    await age(31_000);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await refusedSells()).toHaveLength(2);
    expect(await heldBy(t.strategyId)).toBe("0.00999");
    await age(61_000);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ type: "market", status: "filled", amount: "0.00999" });
    expect(await heldBy(t.strategyId)).toBe("0");
  });

  it("an entry that fills while trading is off is protected once trading is back on", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10", takeProfitPct: "5", stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "off-1" });
    await drainUntilDone([buy]);
    // "Stop everything": nothing is placed, protection included, until trading is back on.
    await setTradingEnabled(t.userId, false, false);
    sim.setPrice("BTCUSDT", "54000");
    await monitorOrders({ budgetMs: 10_000 });
    expect(await legOf(t.strategyId, buy, "buy")).toMatchObject({ status: "filled" });
    expect(await heldBy(t.strategyId)).toBe("0.01109889");
    expect(await positionRow(t.strategyId)).toMatchObject({ protection: "unprotected", protectionNote: "trading_off" });
    expect(await protectiveOf(t.strategyId, "tp")).toBeUndefined();

    await setTradingEnabled(t.userId, true);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "tp")).toMatchObject({ status: "open", amount: "0.01109" });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ status: "open", type: "stop_limit", amount: "0.01109" });
    expect(await positionRow(t.strategyId)).toMatchObject({ protection: "protected" });
  });
});

describe("kill switches that do what a trader means", () => {
  it("pause entries: buys are skipped, while sells, take-profits and stops keep working", async () => {
    const t = await makeTrader({ symbol: "SOL/USDT", takeProfitPct: "5", stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "SOL/USDT", price: "150", id: "pause-1" });
    await drainUntilDone([buy]);
    await setTradingEnabled(t.userId, false, true);
    const again = await post(t, { action: "buy", symbol: "SOL/USDT", price: "150", id: "pause-2" });
    await drainUntilDone([again]);
    expect(await executionOf(t.strategyId, again)).toMatchObject({ outcome: "skipped", reason: "trading_paused" });
    await monitorOrders({ budgetMs: 10_000 });
    expect(await positionRow(t.strategyId)).toMatchObject({ protection: "protected" });
    // The stop still fires while entries are paused.
    sim.setPrice("SOLUSDT", "140");
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ status: "filled", type: "market" });
    expect(await heldBy(t.strategyId)).toBe("0");
    // A manual buy is refused by the switch; a manual sell is an exit and goes through.
    const { placeManualOrder } = await import("@/lib/accounts");
    expect(await placeManualOrder(t.userId, { accountId: t.accountId, symbol: "SOL/USDT", side: "buy", type: "market", amountIn: "base", amount: "1" })).toEqual({ kind: "switched_off" });
    sim.account(t.apiKey).balances.set("SOL", { free: new Decimal("2"), locked: new Decimal(0) });
    expect(await placeManualOrder(t.userId, { accountId: t.accountId, symbol: "SOL/USDT", side: "sell", type: "market", amountIn: "base", amount: "1" })).toMatchObject({ kind: "placed" });
    await setTradingEnabled(t.userId, true);
  });

  it("stop everything: open orders are cancelled, nothing is placed, and the position says it is unprotected", async () => {
    const t = await makeTrader({ symbol: "BNB/USDT", takeProfitPct: "5", stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "BNB/USDT", price: "600", id: "stop-all-1" });
    await drainUntilDone([buy]);
    expect(await protectiveOf(t.strategyId, "tp")).toMatchObject({ status: "open" });
    await setTradingEnabled(t.userId, false, false);
    const { cancelOpenOrders } = await import("@/lib/engine/kill");
    expect(await cancelOpenOrders(t.userId)).toEqual({ canceled: 2, failed: 0 });
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "tp")).toMatchObject({ status: "canceled" });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ status: "canceled" });
    expect(await positionRow(t.strategyId)).toMatchObject({ protection: "unprotected", protectionNote: "trading_off" });
    sim.setPrice("BNBUSDT", "500");
    await monitorOrders({ budgetMs: 10_000 });
    expect(simOrdersOf(t).filter((o) => o.side === "SELL" && o.status === "FILLED")).toHaveLength(0);
    const sell = await post(t, { action: "sell", symbol: "BNB/USDT", price: "500", id: "stop-all-2" });
    await drainUntilDone([sell]);
    expect(await executionOf(t.strategyId, sell)).toMatchObject({ outcome: "skipped", reason: "trading_off" });
    const { placeManualOrder } = await import("@/lib/accounts");
    expect(await placeManualOrder(t.userId, { accountId: t.accountId, symbol: "BNB/USDT", side: "sell", type: "market", amountIn: "base", amount: "0.5" })).toEqual({ kind: "switched_off" });
    // Back on: protection returns by itself.
    sim.setPrice("BNBUSDT", "600");
    await setTradingEnabled(t.userId, true);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await positionRow(t.strategyId)).toMatchObject({ protection: "protected" });
  });
});

describe("transient is not final", () => {
  it("a 5xx on the balance read waits and the trade goes through when the exchange recovers", async () => {
    // Sized in percent of the balance, so the entry reads it (a fixed size reads none).
    const t = await makeTrader({ sizingMode: "percent", sizingValue: "1" });
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/account" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "balance-503" });
    await drainSignals({ budgetMs: 5_000 });
    expect(await executionOf(t.strategyId, buy)).toMatchObject({ outcome: "waiting", reason: "exchange_down" });
    expect(simOrdersOf(t)).toHaveLength(0);
    expect(await drainUntilDone([buy])).toBe(0);
    expect(await executionOf(t.strategyId, buy)).toMatchObject({ outcome: "sent" });
    expect(simOrdersOf(t)).toHaveLength(1);
  });

  it("a 429 on order creation means not placed: sent again under the same client order id, once", async () => {
    const t = await makeTrader();
    sim.injectFault({ kind: "status", status: 429, retryAfter: 1, path: "/api/v3/order" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "create-429" });
    await drainSignals({ budgetMs: 5_000 });
    expect(await legOf(t.strategyId, buy, "buy")).toMatchObject({ status: "retry" });
    expect(await executionOf(t.strategyId, buy)).toMatchObject({ outcome: "waiting", reason: "rate_limited" });
    expect(await drainUntilDone([buy])).toBe(0);
    expect(simOrdersOf(t).map((o) => o.clientOrderId)).toEqual([deterministicClientOrderId(buy, t.strategyId, "buy")]);
    expect(await legOf(t.strategyId, buy, "buy")).toMatchObject({ status: "filled" });
  });

  it("an entry the monitor would send again obeys the strategy's switch, as the drain's send would", async () => {
    const t = await makeTrader();
    sim.injectFault({ kind: "status", status: 429, retryAfter: 1, path: "/api/v3/order" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "monitor-switch" });
    await drainSignals({ budgetMs: 5_000 });
    expect(await legOf(t.strategyId, buy, "buy")).toMatchObject({ status: "retry" });
    const { updateStrategy } = await import("@/db/queries/strategies");
    await updateStrategy(t.userId, t.strategyId, { enabled: false });
    await sleep(1_100);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await legOf(t.strategyId, buy, "buy")).toMatchObject({ status: "canceled", error: { code: "switched_off" } });
    expect(simOrdersOf(t)).toHaveLength(0);
    expect(await drainUntilDone([buy])).toBe(0);
    expect(await executionOf(t.strategyId, buy)).toMatchObject({ outcome: "skipped" });
  });

  it("a spent shared budget waits; a signal past its max lag is skipped as expired", async () => {
    const t = await makeTrader();
    const { getRateLimiter } = await import("@/lib/ratelimit");
    const { dropBudgetReserves } = await import("@/lib/exchanges/budget");
    // The block comes from elsewhere (another process's 429): this process holds no weight taken ahead.
    await (await getRateLimiter()).block("exchange:binance:default", 60_000);
    dropBudgetReserves();
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "budget-1" });
    await drainSignals({ budgetMs: 5_000 });
    expect(await executionOf(t.strategyId, buy)).toMatchObject({ outcome: "waiting", reason: "rate_limited" });
    await testDb.db.delete(rateLimitCounters);
    expect(await drainUntilDone([buy])).toBe(0);
    expect(await executionOf(t.strategyId, buy)).toMatchObject({ outcome: "sent" });

    await (await getRateLimiter()).block("exchange:binance:default", 60_000);
    dropBudgetReserves();
    const late = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "budget-2", max_lag: 1 });
    await drainSignals({ budgetMs: 5_000 });
    await sleep(1_100);
    expect(await drainUntilDone([late])).toBe(0);
    expect(await executionOf(t.strategyId, late)).toMatchObject({ outcome: "skipped", reason: "expired" });
    expect(simOrdersOf(t)).toHaveLength(1);
  });

  it("three 503s on order requests lose none of ten orders and double none", async () => {
    const t = await makeTrader({ sizingValue: "100" });
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/order", count: 3 });
    const events: string[] = [];
    for (let i = 0; i < 10; i++) events.push(await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: `storm-503-${i}` }));
    expect(await drainUntilDone(events, 30_000)).toBe(0);
    await monitorOrders({ budgetMs: 10_000 });
    const ids = simOrdersOf(t).map((o) => o.clientOrderId).sort();
    expect(ids).toEqual(events.map((e) => deterministicClientOrderId(e, t.strategyId, "buy")).sort());
    expect((await ordersOf(t.strategyId)).map((o) => o.status)).toEqual(Array(10).fill("filled"));
  });

  it("a failure of ours after the exchange filled the order never marks it rejected; the monitor books it", async () => {
    const t = await makeTrader();
    // The database refuses to book this strategy's position (as a failing database would).
    await testDb.db.execute(sql.raw(`
      create or replace function exits_refuse_booking() returns trigger language plpgsql as $$
      begin
        if new.strategy_id = '${t.strategyId}' and new.amount::numeric > 0 then raise exception 'booking refused'; end if;
        return new;
      end $$`));
    await testDb.db.execute(sql.raw(`create trigger exits_refuse_booking before update on strategy_positions for each row execute function exits_refuse_booking()`));
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "book-fail" });
    await drainUntilDone([buy]);
    expect(await legOf(t.strategyId, buy, "buy")).toMatchObject({ status: "filled", filled: "0.01", appliedFilled: "0" });
    expect(await executionOf(t.strategyId, buy)).toMatchObject({ outcome: "sent" });
    await testDb.db.execute(sql.raw(`drop trigger exits_refuse_booking on strategy_positions`));
    await testDb.db.execute(sql.raw(`drop function exits_refuse_booking()`));
    await monitorOrders({ budgetMs: 10_000 });
    expect(await legOf(t.strategyId, buy, "buy")).toMatchObject({ status: "filled", appliedFilled: "0.01" });
    expect(await heldBy(t.strategyId)).toBe("0.00999");
  });

  it("a row left `sending` by a crashed drain is never marked rejected by the monitor; it is sent exactly once", async () => {
    const t = await makeTrader();
    const eventId = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "crash-sending" });
    const clientOrderId = deterministicClientOrderId(eventId, t.strategyId, "buy");
    await testDb.db.insert(orders).values({
      userId: t.userId, accountId: t.accountId, source: "signal", strategyId: t.strategyId, eventId, leg: "buy", clientOrderId,
      symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", status: "sending",
      sendBy: new Date(Date.now() + 5 * 60_000), updatedAt: new Date(Date.now() - 5 * 60_000),
    });
    await Promise.all([monitorOrders({ budgetMs: 10_000 }), drainSignals({ budgetMs: 10_000 })]);
    await drainUntilDone([eventId]);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await legOf(t.strategyId, eventId, "buy")).toMatchObject({ status: "filled" });
    expect(simOrdersOf(t).map((o) => o.clientOrderId)).toEqual([clientOrderId]);
    expect(await executionOf(t.strategyId, eventId)).toMatchObject({ outcome: "sent" });
  });
});

describe("exact books", () => {
  it("a stop racing a sell signal never sells the account's own coins or books them as profit", async () => {
    const t = await makeTrader({ stopLossPct: "5" }, { USDT: "50000", BTC: "1" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "race-1" });
    await drainUntilDone([buy]);
    expect(await heldBy(t.strategyId)).toBe("0.00999");
    sim.setPrice("BTCUSDT", "56000");
    const sell = await post(t, { action: "sell", symbol: "BTC/USDT", price: "56000", id: "race-2" });
    await Promise.all([drainSignals({ budgetMs: 10_000 }), monitorOrders({ budgetMs: 10_000 })]);
    await drainUntilDone([sell]);
    await monitorOrders({ budgetMs: 10_000 });
    const sold = simOrdersOf(t).filter((o) => o.side === "SELL").reduce((sum, o) => sum.add(o.executedQty), new Decimal(0));
    expect(sold.toFixed()).toBe("0.00999");
    expect(simBtc(t.apiKey).toFixed()).toBe("1");
    const position = (await positionRow(t.strategyId))!;
    expect(position.amount).toBe("0");
    // 0.00999 sold at 56000 less 0.1 % in USDT, against the 600 USDT paid.
    expect(new Decimal(position.realizedPnl).toFixed()).toBe(new Decimal("0.00999").mul(56000).mul("0.999").sub(600).toFixed());
  });

  it("sells resting at once never commit more than the strategy holds: the account's own coins stay untouched", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10", sizingValue: "300" }, { USDT: "50000", BTC: "1" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "commit-1" });
    await drainUntilDone([buy]);
    sim.setPrice("BTCUSDT", "54000");
    await monitorOrders({ budgetMs: 10_000 });
    const held = await heldBy(t.strategyId);
    expect(new Decimal(held).gt(0)).toBe(true);
    sim.setPrice("BTCUSDT", "60000");
    // Two sells of 300 USDT each, resting 10 % above: the first takes most of the position, the second only what is left.
    const first = await post(t, { action: "sell", symbol: "BTC/USDT", price: "60000", id: "commit-2" });
    await drainUntilDone([first]);
    const second = await post(t, { action: "sell", symbol: "BTC/USDT", price: "60000", id: "commit-3" });
    await drainUntilDone([second]);
    const sells = (await ordersOf(t.strategyId)).filter((o) => o.leg === "sell");
    const committed = sells.reduce((sum, o) => sum.add(o.amount), new Decimal(0));
    expect(committed.lte(held)).toBe(true);
    sim.setPrice("BTCUSDT", "66000");
    await monitorOrders({ budgetMs: 10_000 });
    // What the account holds beyond its own 1 BTC is exactly what the books say the strategy holds.
    expect(simBtc(t.apiKey).sub(1).toFixed()).toBe(new Decimal(await heldBy(t.strategyId)).toFixed());
  });

  it("each fill of an order is booked at its own price", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "own-price" });
    await drainUntilDone([buy]);
    const entry = (await legOf(t.strategyId, buy, "buy"))!;
    partiallyFill(t.apiKey, entry.clientOrderId, "0.004", "54000");
    await monitorOrders({ budgetMs: 10_000 });
    partiallyFill(t.apiKey, entry.clientOrderId, "0.005", "53000");
    await monitorOrders({ budgetMs: 10_000 });
    expect(simOrder(t.apiKey, entry.clientOrderId).status).toBe("PARTIALLY_FILLED");
    const position = (await positionRow(t.strategyId))!;
    // 0.004 × 54000 + 0.005 × 53000, not 0.009 × the order's running average.
    expect(new Decimal(position.costBasis).toFixed()).toBe("481");
    expect(new Decimal(position.amount).toFixed()).toBe("0.008991");
  });

  it("P&L equals a hand-computed ledger with partial fills and fees in base, quote and a third asset", async () => {
    const t = await makeTrader();
    const row = async (side: "buy" | "sell", leg: "buy" | "sell") => {
      const written = await insertWithinCaps(
        { id: t.strategyId, maxOpenOrders: null, maxPosition: null },
        {
          userId: t.userId, accountId: t.accountId, source: "signal", strategyId: t.strategyId, eventId: randomUUID(), leg,
          clientOrderId: `ledger${randomUUID().slice(0, 8)}`, symbol: "BTC/USDT", side, type: "market", amount: "0.01", status: "sending",
        },
      );
      if (!written.ok || !written.row) throw new Error("row not written");
      return written.row;
    };
    const fresh = async (id: string) => (await testDb.db.select().from(orders).where(eq(orders.id, id)))[0]!;
    // A buy filled in two parts (cumulative figures, as exchanges report them), fee in BTC.
    const buy = await row("buy", "buy");
    await applyFill(buy, { filled: "0.004", average: "50000", cost: "200", fees: [{ cost: "0.000004", currency: "BTC" }] }, "BTC");
    await applyFill(await fresh(buy.id), { filled: "0.01", average: "50600", cost: "506", fees: [{ cost: "0.00001", currency: "BTC" }] }, "BTC");
    // A sell of 0.005 at 55000, fee in USDT; then the rest at 60000, fee in BNB.
    const first = await row("sell", "sell");
    await applyFill(first, { filled: "0.005", average: "55000", cost: "275", fees: [{ cost: "0.275", currency: "USDT" }] }, "BTC");
    const second = await row("sell", "sell");
    await applyFill(second, { filled: "0.00499", average: "60000", cost: "299.4", fees: [{ cost: "0.0003", currency: "BNB" }] }, "BTC");

    const position = (await positionRow(t.strategyId))!;
    // Paid 506 for 0.00999 BTC held; received 275 − 0.275 and 299.4 (the BNB fee is kept apart).
    expect(new Decimal(position.amount).toFixed()).toBe("0");
    expect(new Decimal(position.realizedPnl).toDecimalPlaces(12).toFixed()).toBe("68.125");
    expect(new Decimal(position.costBasis).abs().lt("1e-12")).toBe(true);
    expect(position.otherFees).toEqual({ BNB: "0.0003" });
    expect({ wins: position.wins, losses: position.losses }).toEqual({ wins: 2, losses: 0 });
  });
});

describe("the order monitor is fair", () => {
  it("checks every account in turn, the one checked longest ago first", async () => {
    const traders = await Promise.all([1, 2, 3].map(() => makeTrader({ orderType: "limit", limitOffsetPct: "10" })));
    const buys = await Promise.all(traders.map((t, i) => post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: `fair-${i}` })));
    await drainUntilDone(buys);
    // Every account of earlier tests is due too: a pass of one account at a time reaches these in turn.
    sim.setPrice("BTCUSDT", "54000");
    const booked = async () => Promise.all(traders.map(async (t) => (await heldBy(t.strategyId)) !== "0"));
    for (let pass = 0; pass < 40 && !(await booked()).every(Boolean); pass++) await monitorOrders({ budgetMs: 5_000, accountsPerPass: 1 });
    expect(await booked()).toEqual([true, true, true]);
  });
});
