import Decimal from "decimal.js";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { exchangeAccounts, orders, queueJobs, rateLimitCounters, signalEvents, signals, strategyExecutions, strategyPositions, type Strategy } from "@/db/schema";
import { drainSignals, monitorOrders } from "@/lib/engine";
import { recordExecution } from "@/lib/engine/execute";
import { lifecycleTiming, settle } from "@/lib/engine/lifecycle";
import { deterministicClientOrderId, floorToStep, roundPrice, type ExchangeClient } from "@/lib/exchanges";
import { createCcxtClient } from "@/lib/exchanges/ccxt-adapter";
import { getRateLimiter, type RateLimiter } from "@/lib/ratelimit";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture, type Trader } from "../helpers/trading";

/**
 * A worker can die between any two steps of an order's life. Each case below writes the state a worker
 * that died at one step leaves behind (our rows, the exchange's orders, expired leases), then lets the
 * next drain and order-monitor passes run, in either order or at once, and checks that the job is done
 * exactly once: one exchange order per client order id, the position equal to what the exchange holds,
 * protection in place. Then the cases these tests (and the storm) caught, kept as they were found, and a
 * fault storm: many signals on many strategies while the simulator answers 429s, 5xx and lost answers and
 * the price crosses take-profits and stops.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const fx = tradingFixture(sim, testDb, "crash");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const defaults = { ...lifecycleTiming };

// The fixture runs the simulator for the file and points every exchange call at it (800 ms timeouts).
beforeAll(() => {
  lifecycleTiming.lookupGraceMs = 100;
});

afterAll(() => {
  Object.assign(lifecycleTiming, defaults);
  (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
});

beforeEach(async () => {
  await testDb.db.delete(rateLimitCounters);
});

/** Our rows of one account. */
async function rowsOfAccount(accountId: string) {
  return testDb.db.select().from(orders).where(eq(orders.accountId, accountId));
}

/** Drains until none of the events is queued (waits come back after a delay), bounded. */
async function drainUntilDone(eventIds: string[], limitMs = 15_000) {
  const until = Date.now() + limitMs;
  for (;;) {
    await drainSignals({ budgetMs: 5_000 });
    const left = await testDb.db
      .select({ id: signalEvents.id })
      .from(signalEvents)
      .where(and(inArray(signalEvents.id, eventIds), eq(signalEvents.status, "queued")));
    if (left.length === 0 || Date.now() > until) return left.length;
    await sleep(100);
  }
}

/** A client on the trader's exchange account, as another program (or the dead worker) would use it. */
async function exchangeClientOf(t: Trader): Promise<ExchangeClient> {
  return createCcxtClient({
    exchange: "binance",
    marketType: "spot",
    sandbox: false,
    credentials: { apiKey: t.apiKey, secret: sim.account(t.apiKey).secret },
    apiOverride: sim.url,
    timeoutMs: 5_000,
  });
}

// ---------------------------------------------------------------------------------------------------
// Crash at every step of a buy's life
// ---------------------------------------------------------------------------------------------------

const CRASHED_MS_AGO = 3 * 60_000;
const crashedAt = () => new Date(Date.now() - CRASHED_MS_AGO);
// 600 USDT at 60000 buys 0.01 BTC; Binance keeps 0.1 % of it as its fee: 0.00999 held at 600 USDT.
const BOUGHT = "0.01";
const HELD = "0.00999";
const TP_PRICE = roundPrice(new Decimal(600).div(HELD).mul("1.05"), "0.01", "sell");
const SL_TRIGGER = roundPrice(new Decimal(600).div(HELD).mul("0.95"), "0.01", "sell");

type Restart = "drain, then monitor" | "monitor, then drain" | "drain and monitor at once";
const RESTARTS: Restart[] = ["drain, then monitor", "monitor, then drain", "drain and monitor at once"];

/** The passes that run after the restart: the drain finishes the event, the monitor orders and protection. */
async function restart(mode: Restart, eventId: string) {
  if (mode === "drain, then monitor") {
    expect(await drainUntilDone([eventId])).toBe(0);
    await monitorOrders({ budgetMs: 10_000 });
  } else if (mode === "monitor, then drain") {
    await monitorOrders({ budgetMs: 10_000 });
    expect(await drainUntilDone([eventId])).toBe(0);
  } else {
    const [left] = await Promise.all([drainUntilDone([eventId]), monitorOrders({ budgetMs: 10_000 })]);
    expect(left).toBe(0);
    // The monitor comes round again (a protect that found the position leased by the drain goes on here).
    await monitorOrders({ budgetMs: 10_000 });
  }
}

/**
 * A buy event the dead worker had taken: the event was received and its job and the signal leased when
 * the worker died, CRASHED_MS_AGO ago (so every lease it held has run out by now).
 */
async function crashedBuy(t: Trader, id: string) {
  const eventId = await fx.post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id });
  const at = crashedAt();
  await testDb.db.update(signalEvents).set({ receivedAt: new Date(at.getTime() - 1_000) }).where(eq(signalEvents.id, eventId));
  await testDb.db
    .update(signals)
    .set({ drainToken: "dead-worker", drainLeaseUntil: new Date(at.getTime() + 90_000) })
    .where(eq(signals.id, t.signalId));
  await testDb.db
    .update(queueJobs)
    .set({ leaseToken: "dead-worker", leaseUntil: new Date(at.getTime() + 120_000), attempts: 1 })
    .where(sql`${queueJobs.payload}->>'eventId' = ${eventId}`);
  const clientOrderId = deterministicClientOrderId(eventId, t.strategyId, "buy");
  // The row exactly as the executor writes it (its send-by is the signal's deadline, 300 s after receipt).
  const row = {
    userId: t.userId,
    accountId: t.accountId,
    source: "signal" as const,
    strategyId: t.strategyId,
    eventId,
    leg: "buy" as const,
    clientOrderId,
    symbol: "BTC/USDT",
    side: "buy" as const,
    type: "market" as const,
    amount: BOUGHT,
    status: "sending" as const,
    sendBy: new Date(at.getTime() - 1_000 + 300_000),
    createdAt: at,
    updatedAt: at,
  };
  return { eventId, clientOrderId, row };
}

/** The buy as it reached the exchange (sent by the worker before it died). */
async function placeOnExchange(t: Trader, clientOrderId: string) {
  const client = await exchangeClientOf(t);
  const answer = await client.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: BOUGHT, clientOrderId });
  expect(answer).toMatchObject({ status: "filled", filled: BOUGHT });
  return { client, answer };
}

/**
 * The dead worker got as far as the follow-ups: the entry stored and booked by the engine itself, its
 * execution recorded; then protection began under the strategy's lease (long expired now). Answers the
 * columns of a protective row as that worker wrote it (`sending`), for the caller to complete.
 */
async function crashedInFollowUps(t: Trader, id: string) {
  const { eventId, clientOrderId, row } = await crashedBuy(t, id);
  const [written] = await testDb.db.insert(orders).values(row).returning();
  const { client, answer } = await placeOnExchange(t, clientOrderId);
  await settle(written!, answer, client);
  await recordExecution({ strategyId: t.strategyId, eventId, leg: "buy", outcome: "sent", orderId: written!.id });
  await testDb.db.update(orders).set({ updatedAt: crashedAt() }).where(eq(orders.id, written!.id));
  expect(new Decimal((await fx.positionRow(t.strategyId))!.amount).toFixed()).toBe(HELD);
  await testDb.db
    .update(strategyPositions)
    .set({ busyToken: "dead-worker", busyUntil: new Date(crashedAt().getTime() + 60_000) })
    .where(eq(strategyPositions.strategyId, t.strategyId));
  const protective = {
    userId: t.userId,
    accountId: t.accountId,
    source: "protective" as const,
    strategyId: t.strategyId,
    symbol: "BTC/USDT",
    side: "sell" as const,
    amount: HELD,
    status: "sending" as const,
    createdAt: crashedAt(),
    updatedAt: crashedAt(),
  };
  return { eventId, clientOrderId, client, protective };
}

const LIVE_ROW = ["sending", "unknown", "retry", "open", "partially_filled"];
const isLiveOnExchange = (o: { status: string }) => o.status === "NEW" || o.status === "PARTIALLY_FILLED";
/** Our row's status for each state of an exchange order. */
const ROW_STATUS_OF = { NEW: "open", PARTIALLY_FILLED: "partially_filled", FILLED: "filled", CANCELED: "canceled", EXPIRED: "expired", REJECTED: "rejected" } as const;

/**
 * The job is done, once: one exchange order under the buy's client order id, every exchange order one
 * of our rows (and in the same state), the fill booked as the exchange holds it, and the position
 * protected: one take-profit resting on the exchange for what is held, and one stop-loss for it (our
 * own armed stop, or the exchange's stop-loss-limit of a native pair).
 */
async function expectFinishedOnce(t: Trader, eventId: string, buyClientOrderId: string) {
  const exchangeOrders = sim.account(t.apiKey).orders;
  const ids = exchangeOrders.map((o) => o.clientOrderId);
  expect(ids.filter((id) => id === buyClientOrderId)).toHaveLength(1);
  expect(new Set(ids).size).toBe(ids.length);
  const rows = await rowsOfAccount(t.accountId);
  for (const o of exchangeOrders) {
    const row = rows.find((r) => r.clientOrderId === o.clientOrderId);
    expect(row, `exchange order ${o.clientOrderId} (${o.side} ${o.type} ${o.status}) is one of ours`).toBeDefined();
    expect(row!.status, `${row!.leg} row ${o.clientOrderId}`).toBe(ROW_STATUS_OF[o.status]);
  }
  const buy = rows.find((r) => r.clientOrderId === buyClientOrderId)!;
  expect(buy).toMatchObject({ status: "filled", filled: BOUGHT, appliedFilled: BOUGHT });
  expect(exchangeOrders.find((o) => o.clientOrderId === buyClientOrderId)).toMatchObject({ side: "BUY", status: "FILLED" });

  const position = (await fx.positionRow(t.strategyId))!;
  expect(new Decimal(position.amount).toFixed()).toBe(HELD);
  expect(new Decimal(position.amount).toFixed()).toBe(fx.simBtc(t.apiKey).toFixed());
  expect(new Decimal(position.costBasis).toFixed()).toBe("600");

  const tps = rows.filter((r) => r.leg === "tp" && LIVE_ROW.includes(r.status));
  const sls = rows.filter((r) => r.leg === "sl" && LIVE_ROW.includes(r.status));
  expect(tps.map((r) => r.status)).toEqual(["open"]);
  expect(sls.map((r) => r.status)).toEqual(["open"]);
  const tp = tps[0]!;
  const sl = sls[0]!;
  expect(tp).toMatchObject({ side: "sell", amount: HELD, price: TP_PRICE });
  const tpOnExchange = fx.simOrder(t.apiKey, tp.clientOrderId);
  expect({ status: tpOnExchange.status, qty: tpOnExchange.origQty.toFixed(), price: tpOnExchange.price.toFixed() }).toEqual({ status: "NEW", qty: HELD, price: TP_PRICE });
  expect(sl).toMatchObject({ side: "sell", amount: HELD, triggerPrice: SL_TRIGGER });
  const live = [tp.clientOrderId];
  if (sl.type === "stop") {
    expect(ids).not.toContain(sl.clientOrderId);
  } else {
    expect(sl.type).toBe("stop_limit");
    const stopOnExchange = fx.simOrder(t.apiKey, sl.clientOrderId);
    expect({ status: stopOnExchange.status, qty: stopOnExchange.origQty.toFixed(), stop: stopOnExchange.stopPrice?.toFixed() }).toEqual({ status: "NEW", qty: HELD, stop: SL_TRIGGER });
    live.push(sl.clientOrderId);
  }
  // Nothing else rests on the exchange.
  expect(exchangeOrders.filter(isLiveOnExchange).map((o) => o.clientOrderId).sort()).toEqual(live.sort());
  expect(position).toMatchObject({ protection: "protected", protectionNote: null });

  const [event] = await testDb.db.select().from(signalEvents).where(eq(signalEvents.id, eventId));
  expect(event!.status).toBe("done");
  expect(await fx.executionOf(t.strategyId, eventId)).toMatchObject({ outcome: "sent", leg: "buy" });
}

async function expectNothingMoreHappens(t: Trader, eventId: string, buyClientOrderId: string) {
  const before = sim.account(t.apiKey).orders.length;
  await drainSignals({ budgetMs: 5_000 });
  await monitorOrders({ budgetMs: 10_000 });
  expect(sim.account(t.apiKey).orders).toHaveLength(before);
  await expectFinishedOnce(t, eventId, buyClientOrderId);
}

/**
 * The cases below each trade on a trader of their own, at 60000; each case's account is switched off
 * after it, so later passes of the monitor need not visit it again. Answers `track(trader)`.
 */
function oneTraderPerCase() {
  let current: Trader | undefined;
  beforeEach(() => sim.setPrice("BTCUSDT", "60000"));
  afterEach(async () => {
    if (current) await testDb.db.update(exchangeAccounts).set({ active: false }).where(eq(exchangeAccounts.id, current.accountId));
    current = undefined;
  });
  return (t: Trader) => (current = t);
}

describe("a crash at every step of a buy with take-profit and stop-loss is finished exactly once", () => {
  const track = oneTraderPerCase();
  const protectedTrader = async () => track(await fx.makeTrader({ takeProfitPct: "5", stopLossPct: "5" }));

  describe.each(RESTARTS)("restart: %s", (mode) => {
    const tag = mode.replace(/[^a-z]+/g, "-");

    it("a. before the send: the row is `sending`, the exchange never saw it", async () => {
      const t = await protectedTrader();
      const { eventId, clientOrderId, row } = await crashedBuy(t, `a-${tag}`);
      await testDb.db.insert(orders).values(row);
      await restart(mode, eventId);
      await expectFinishedOnce(t, eventId, clientOrderId);
      await expectNothingMoreHappens(t, eventId, clientOrderId);
    });

    it("b. after the send, before the answer: the exchange filled it, our row is still `sending`", async () => {
      const t = await protectedTrader();
      const { eventId, clientOrderId, row } = await crashedBuy(t, `b1-${tag}`);
      await testDb.db.insert(orders).values(row);
      await placeOnExchange(t, clientOrderId);
      await restart(mode, eventId);
      await expectFinishedOnce(t, eventId, clientOrderId);
      await expectNothingMoreHappens(t, eventId, clientOrderId);
    });

    it("b. after the send, the answer lost: the exchange filled it, our row is `unknown`", async () => {
      const t = await protectedTrader();
      const { eventId, clientOrderId, row } = await crashedBuy(t, `b2-${tag}`);
      await testDb.db.insert(orders).values({ ...row, status: "unknown", error: { code: "network", message: "no answer" } });
      await placeOnExchange(t, clientOrderId);
      await restart(mode, eventId);
      await expectFinishedOnce(t, eventId, clientOrderId);
      await expectNothingMoreHappens(t, eventId, clientOrderId);
    });

    it("c. after the answer, before booking: the row is `filled`, the fill not booked", async () => {
      const t = await protectedTrader();
      const { eventId, clientOrderId, row } = await crashedBuy(t, `c-${tag}`);
      const [written] = await testDb.db.insert(orders).values(row).returning();
      const { answer } = await placeOnExchange(t, clientOrderId);
      // settle's first step (the answer stored), and no more.
      await testDb.db
        .update(orders)
        .set({
          status: answer.status,
          exchangeOrderId: answer.id,
          filled: answer.filled,
          average: answer.average,
          cost: answer.cost,
          fee: answer.fee?.cost ?? null,
          feeCurrency: answer.fee?.currency ?? null,
          error: null,
          updatedAt: crashedAt(),
        })
        .where(eq(orders.id, written!.id));
      expect((await rowsOfAccount(t.accountId))[0]).toMatchObject({ status: "filled", filled: BOUGHT, appliedFilled: "0" });
      expect(await fx.positionRow(t.strategyId)).toBeUndefined();
      await restart(mode, eventId);
      await expectFinishedOnce(t, eventId, clientOrderId);
      await expectNothingMoreHappens(t, eventId, clientOrderId);
    });

    for (const sent of [false, true]) {
      it(`d. during the follow-ups: entry booked, the take-profit row \`sending\` ${sent ? "sent but not recorded" : "never sent"}, no stop row`, async () => {
        const t = await protectedTrader();
        const { eventId, clientOrderId, client, protective } = await crashedInFollowUps(t, `d${sent ? 2 : 1}-${tag}`);
        const tpClientOrderId = deterministicClientOrderId(t.strategyId, "protect", "tp", "1");
        await testDb.db.insert(orders).values({ ...protective, leg: "tp", clientOrderId: tpClientOrderId, type: "limit", price: TP_PRICE });
        if (sent) await client.createOrder({ symbol: "BTC/USDT", side: "sell", type: "limit", amount: HELD, price: TP_PRICE, clientOrderId: tpClientOrderId });
        await restart(mode, eventId);
        await expectFinishedOnce(t, eventId, clientOrderId);
        // The abandoned take-profit reached the exchange at most once (it may have been replaced since).
        expect(sim.account(t.apiKey).orders.filter((o) => o.clientOrderId === tpClientOrderId).length).toBeLessThanOrEqual(1);
        await expectNothingMoreHappens(t, eventId, clientOrderId);
      });
    }

    for (const sent of [false, true]) {
      it(`d. during the follow-ups: entry booked, the native take-profit/stop-loss pair's rows \`sending\`, ${sent ? "the pair sent but not recorded" : "never sent"}`, async () => {
        const t = await protectedTrader();
        const { eventId, clientOrderId, client, protective } = await crashedInFollowUps(t, `d${sent ? 4 : 3}-${tag}`);
        const tpId = deterministicClientOrderId(t.strategyId, "protect", "tp", "1");
        const slId = deterministicClientOrderId(t.strategyId, "protect", "sl", "1");
        const listClientOrderId = deterministicClientOrderId(t.strategyId, "oco", tpId);
        const stopLimit = roundPrice(new Decimal(SL_TRIGGER).mul("0.995"), "0.01", "buy");
        await testDb.db.insert(orders).values([
          { ...protective, leg: "tp", clientOrderId: tpId, listClientOrderId, type: "limit", price: TP_PRICE },
          { ...protective, leg: "sl", clientOrderId: slId, listClientOrderId, type: "stop_limit", triggerPrice: SL_TRIGGER, price: stopLimit },
        ]);
        if (sent) {
          expect(client.createOco, "the client places native pairs").toBeDefined();
          await client.createOco!({
            symbol: "BTC/USDT",
            amount: HELD,
            takeProfitPrice: TP_PRICE,
            stopPrice: SL_TRIGGER,
            stopLimitPrice: stopLimit,
            listClientOrderId,
            takeProfitClientOrderId: tpId,
            stopClientOrderId: slId,
          });
        }
        await restart(mode, eventId);
        await expectFinishedOnce(t, eventId, clientOrderId);
        for (const id of [tpId, slId]) expect(sim.account(t.apiKey).orders.filter((o) => o.clientOrderId === id).length).toBeLessThanOrEqual(1);
        if (sent) expect(sim.account(t.apiKey).orders.filter((o) => o.status === "NEW").map((o) => o.clientOrderId).sort()).toEqual([tpId, slId].sort());
        await expectNothingMoreHappens(t, eventId, clientOrderId);
      });
    }
  });
});

describe("what another worker finished while the event waited", () => {
  const track = oneTraderPerCase();

  it("e. a lost buy the monitor gave up as never placed (past the signal's deadline) is recorded as skipped, not sent", async () => {
    const t = track(await fx.makeTrader({ takeProfitPct: "5", stopLossPct: "5" }));
    const { eventId, row } = await crashedBuy(t, "e-expired");
    // The signal came 6 minutes ago (its 300 s max lag is over); its buy lost its answer and the exchange
    // never got it; the worker died; its event is still queued.
    const receivedAt = new Date(Date.now() - 6 * 60_000);
    await testDb.db.update(signalEvents).set({ receivedAt }).where(eq(signalEvents.id, eventId));
    await testDb.db.insert(orders).values({ ...row, status: "unknown", sendBy: new Date(receivedAt.getTime() + 300_000), error: { code: "network", message: "no answer" } });
    // The monitor comes first: the exchange has no such order and the deadline is over, so it is never sent.
    await monitorOrders({ budgetMs: 10_000 });
    expect(await fx.legOf(t.strategyId, eventId, "buy")).toMatchObject({ status: "expired", error: { code: "not_placed" } });
    expect(await drainUntilDone([eventId])).toBe(0);
    expect(sim.account(t.apiKey).orders.map((o) => o.clientOrderId)).toEqual([]);
    // What the trader reads: the buy was not sent because the signal expired (as when the drain itself
    // finds the deadline over), not "sent".
    expect(await fx.executionOf(t.strategyId, eventId)).toMatchObject({ outcome: "skipped", reason: "expired" });
  });
});

describe("fills are booked as the exchange holds them", () => {
  const track = oneTraderPerCase();

  it("a fill whose trades cannot be read (two 503s) is never booked without its fee", async () => {
    // A limit entry 10 % under the signal: 600 USDT at 54000 is 0.01111 BTC; Binance keeps 0.1 % in BTC.
    const t = track(await fx.makeTrader({ orderType: "limit", limitOffsetPct: "10" }));
    const buy = await fx.post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "fee-unread" });
    expect(await drainUntilDone([buy])).toBe(0);
    expect(await fx.legOf(t.strategyId, buy, "buy")).toMatchObject({ status: "open", amount: "0.01111" });
    sim.setPrice("BTCUSDT", "54000");
    expect(fx.simBtc(t.apiKey).toFixed()).toBe("0.01109889");
    // The order look-up works; the trade list that carries the commission answers 503, twice.
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/myTrades", count: 2 });
    // The monitor comes round until the fill is booked (the trade list answers again after two 503s).
    for (let pass = 0; pass < 4 && (await fx.legOf(t.strategyId, buy, "buy"))!.appliedFilled !== "0.01111"; pass++) {
      await monitorOrders({ budgetMs: 10_000 });
    }
    expect(await fx.legOf(t.strategyId, buy, "buy")).toMatchObject({ status: "filled", appliedFilled: "0.01111" });
    expect(new Decimal(await fx.heldBy(t.strategyId)).toFixed()).toBe(fx.simBtc(t.apiKey).toFixed());
  });
});

describe("protection follows what is held", () => {
  const track = oneTraderPerCase();

  it("an entry that fills while another entry still rests: the stop-loss covers all that is held, or the position says it does not", async () => {
    // Limit entries 10 % under the signal; take-profit and stop-loss 5 % either side of the average.
    const t = track(await fx.makeTrader({ orderType: "limit", limitOffsetPct: "10", takeProfitPct: "5", stopLossPct: "5" }));
    const first = await fx.post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "follow-1" });
    expect(await drainUntilDone([first])).toBe(0);
    sim.setPrice("BTCUSDT", "54000");
    await monitorOrders({ budgetMs: 10_000 });
    const stopFor = async () => {
      const rows = await rowsOfAccount(t.accountId);
      const stop = rows.find((r) => r.leg === "sl" && r.status === "open" && (r.type === "stop" || r.type === "stop_limit"));
      if (!stop) return null;
      return stop.type === "stop" ? stop.amount : fx.simOrder(t.apiKey, stop.clientOrderId).origQty.sub(fx.simOrder(t.apiKey, stop.clientOrderId).executedQty).toFixed();
    };
    // 0.01111 bought at 54000, 0.01109889 held: protected for 0.01109.
    expect(await stopFor()).toBe("0.01109");

    // A second entry rests far below (49500); a third fills at once (its limit, 54000, is the price).
    const resting = await fx.post(t, { action: "buy", symbol: "BTC/USDT", price: "55000", id: "follow-2" });
    const filling = await fx.post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "follow-3" });
    expect(await drainUntilDone([resting, filling])).toBe(0);
    expect(await fx.legOf(t.strategyId, resting, "buy")).toMatchObject({ status: "open" });
    expect(await fx.legOf(t.strategyId, filling, "buy")).toMatchObject({ status: "filled" });
    await monitorOrders({ budgetMs: 10_000 });
    await monitorOrders({ budgetMs: 10_000 });

    const held = floorToStep(await fx.heldBy(t.strategyId), "0.00001");
    expect(held).toBe("0.02219");
    expect(new Decimal(await fx.heldBy(t.strategyId)).toFixed()).toBe(fx.simBtc(t.apiKey).toFixed());
    const position = (await fx.positionRow(t.strategyId))!;
    // The take-profit may wait for the resting entry; the stop-loss may not: all that is held is covered,
    // or the position is shown as not protected, with why.
    if (position.protection !== "unprotected") {
      expect(await stopFor(), `the stop-loss covers this much; the position is recorded as ${position.protection} (${position.protectionNote ?? "no note"})`).toBe(held);
    } else {
      expect(position.protectionNote).toBeTruthy();
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// The fault storm
//
// 500 signals (STORM_EVENTS) on 25 signal names, each followed by 2 strategies, each strategy on an
// exchange account of its own: 1,000 strategy executions on 50 strategies, on 4 symbols. Buys, sells,
// closes and a few cancels, some with a 2 s max lag; 429s and 418s (Retry-After 1 s), 500/502/503s on
// order placement, look-up, cancel, OCO, balance, ticker and trade-list requests, answers lost after the
// exchange accepted the order, and short network partitions; the price walks ±0.6 % a step across
// take-profits and stops. 8 drains and the order monitor run meanwhile. Then the exchange is healthy,
// the price still, and the passes run until nothing changes. Everything random comes from one seed
// (STORM_SEED; the interleaving of the workers is the machine's); a failure prints it.
// ---------------------------------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so a storm's signals, faults and prices can be replayed. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const STORM_SEED = Number(process.env.STORM_SEED ?? 20_250_611);
const STORM_EVENTS = Number(process.env.STORM_EVENTS ?? 500);
const STORM_SIGNALS = Number(process.env.STORM_SIGNALS ?? 25);
// About 40 faults over the storm whatever its size: the exchange is as unhealthy a second at 500 signals
// as at 100 (each 429/418 holds every order of the venue for its Retry-After).
const FAULT_CHANCE = 0.4 * Math.min(1, 100 / STORM_EVENTS);
const STRATEGIES_PER_SIGNAL = Number(process.env.STORM_PER_SIGNAL ?? 2);
// The posting, faults and price moves stop after this long even if the drains are behind; then the
// exchange is healthy and the price still until every pass finds nothing left to do.
// The storm takes about 55 s on a quiet 2-core machine with PostgreSQL; a loaded one (the whole suite on
// two cores: about 110 s in the whole suite here) or PGlite posts slower, so the signals keep coming until this limit. How fast they went is
// `npm run bench`'s business, not this test's.
const STORM_LIMIT_MS = Number(process.env.STORM_LIMIT_MS ?? 180_000);
// What a loaded machine leaves queued at the storm's limit is drained in the quiet phase first (a run
// with other work on both cores once needed more than 15 s for 18 leftover events): bounded, not timed.
const QUIET_MS = 40_000;
// The engine's shared Binance budget (1,200 calls a minute) and the simulator's 6,000 request weight a
// minute would stretch the storm over several minutes: both are raised (the engine still honours every
// Retry-After the simulator sends).
const BUDGET_SCALE = 25;
const MONITOR_PAUSE_MS = 2_000;
// Drains running at once (as several cron invocations would): events of one signal still run one at a time.
const STORM_DRAINS = Number(process.env.STORM_DRAINS ?? 8);
// Signals posted ahead of the drains at most (a waiting event's retries back off with its age).
const STORM_BACKLOG = 25;

const STORM_MARKETS = [
  { symbol: "BTC/USDT", id: "BTCUSDT", base: "BTC", start: "60000" },
  { symbol: "ETH/USDT", id: "ETHUSDT", base: "ETH", start: "3000" },
  { symbol: "SOL/USDT", id: "SOLUSDT", base: "SOL", start: "150" },
  { symbol: "BNB/USDT", id: "BNBUSDT", base: "BNB", start: "600" },
];

/** The five strategies on each signal: market and limit entries, take-profit and/or stop-loss, or neither. */
const STORM_VARIANTS: Partial<Strategy>[] = [
  { takeProfitPct: "1.5", stopLossPct: "1.5" },
  { takeProfitPct: "1" },
  { stopLossPct: "1" },
  { orderType: "limit", limitOffsetPct: "0.2", takeProfitPct: "1.5", stopLossPct: "1.5" },
  { sizingMode: "percent", sizingValue: "2" },
];

/** The variant of the k-th strategy on the s-th signal: every variant as often as the others. */
const variantOf = (s: number, k: number) => STORM_VARIANTS[(s * STRATEGIES_PER_SIGNAL + k) % STORM_VARIANTS.length]!;

type StormFault = Parameters<BinanceSimulator["injectFault"]>[0];

function stormFault(rnd: () => number): StormFault {
  const pick = <T,>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  if (rnd() < 0.3) return { kind: "timeout-after-accept", count: 1, holdMs: 1_000 };
  const [path, method] = pick([
    ["/api/v3/order", "POST"],
    ["/api/v3/order", "POST"],
    ["/api/v3/orderList/oco", "POST"],
    ["/api/v3/order", "GET"],
    ["/api/v3/order", "DELETE"],
    ["/api/v3/account", undefined],
    ["/api/v3/ticker/24hr", undefined],
    ["/api/v3/myTrades", undefined],
    [undefined, undefined],
  ] as const);
  const status = pick([429, 418, 500, 502, 503, 503] as const);
  return {
    kind: "status",
    status,
    ...(status === 429 || status === 418 ? { retryAfter: 1 } : {}),
    count: 1 + Math.floor(rnd() * 2),
    ...(path ? { path } : {}),
    ...(method ? { method } : {}),
  };
}

/** Installs a limiter that gives exchange keys `scale` times their budget; answers the restore. */
async function scaleExchangeBudget(scale: number) {
  const holder = globalThis as { __sbRateLimiter?: Promise<RateLimiter> };
  holder.__sbRateLimiter = undefined;
  const real = await getRateLimiter();
  holder.__sbRateLimiter = Promise.resolve({
    driver: real.driver,
    // The answer in the engine's own terms (what is left of the budget it knows), so what it counts as
    // spent matches the store and the venue's weight header is not taken for someone else's traffic.
    hit: async (key, opts) => {
      if (!key.startsWith("exchange:")) return real.hit(key, opts);
      const result = await real.hit(key, { ...opts, limit: opts.limit * scale });
      return { ...result, remaining: result.remaining - opts.limit * (scale - 1) };
    },
    block: (key, ms) => real.block(key, ms),
    raise: (key, opts) => real.raise(key, opts),
  });
  return () => {
    holder.__sbRateLimiter = undefined;
  };
}

describe("a fault storm", () => {
  it(
    `${STORM_EVENTS} signals on ${STORM_SIGNALS * STRATEGIES_PER_SIGNAL} strategies through 429s, 418s, 5xx, lost answers and partitions end with exact books, live protection and no orphan orders`,
    async () => {
      const seed = STORM_SEED;
      onTestFailed(() => console.error(`fault storm failed with seed ${seed}: replay with STORM_SEED=${seed} STORM_EVENTS=${STORM_EVENTS}`));
      const restoreBudget = await scaleExchangeBudget(BUDGET_SCALE);
      sim.setWeightLimit(1_000_000);
      try {
        await runStorm(seed);
      } finally {
        restoreBudget();
        sim.setWeightLimit(6000);
        sim.setLatency(0);
      }
    },
    280_000,
  );
});

async function runStorm(seed: number) {
  const db = testDb.db;
  // Two streams: the signals, faults and partitions in posting order; the price path, step by step (how
  // many steps fall between two signals depends on how fast the drains go).
  const rnd = seeded(seed);
  const walk = seeded(seed ^ 0x5bd1e995);
  const started = Date.now();
  for (const m of STORM_MARKETS) sim.setPrice(m.id, m.start);

  // 10 signals, each followed by 5 strategies, each strategy on an exchange account of its own: what the
  // account holds of the base asset is exactly what the strategy bought and did not sell.
  const groups = await Promise.all(
    Array.from({ length: STORM_SIGNALS }, async (_, s) => {
      const market = STORM_MARKETS[s % STORM_MARKETS.length]!;
      const signal = await fx.makeSignal(`storm-${seed}-${s}`);
      const traders: Trader[] = [];
      for (let k = 0; k < STRATEGIES_PER_SIGNAL; k++) {
        const variant = variantOf(s, k);
        traders.push(await fx.makeTrader({ symbol: market.symbol, sizingMode: "quote", sizingValue: "100", ...variant }, { USDT: "5000" }, signal));
      }
      return { market, traders };
    }),
  );
  const traders = groups.flatMap((g) => g.traders);
  const accountIds = traders.map((t) => t.accountId);
  const signalIds = groups.map((g) => g.traders[0]!.signalId);
  const setupMs = Date.now() - started;

  const queuedCount = async () => {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(signalEvents)
      .where(and(inArray(signalEvents.signalId, signalIds), eq(signalEvents.status, "queued")));
    return Number(row?.n ?? 0);
  };

  // The storm: signals posted (never more than STORM_BACKLOG waiting), faults injected and prices
  // moved along the way, while STORM_DRAINS drains and the order monitor run at once.
  const stormStarted = Date.now();
  const stormEnds = stormStarted + STORM_LIMIT_MS;
  const prices = new Map(STORM_MARKETS.map((m) => [m.id, new Decimal(m.start)]));
  const stats = { posted: 0, faults: 0, partitions: 0, priceSteps: 0, drains: 0, monitorPasses: 0 };
  const moveMarkets = () => {
    for (const m of STORM_MARKETS) {
      const start = new Decimal(m.start);
      const now = prices.get(m.id)!;
      // ±0.6 % a step, pulled back towards the start beyond ±6 %.
      const drift = now.div(start).sub(1).toNumber();
      const change = (walk() - 0.5) * 0.012 - (Math.abs(drift) > 0.06 ? drift * 0.1 : 0);
      const next = Decimal.max(start.mul("0.8"), now.mul(1 + change)).toDecimalPlaces(2);
      prices.set(m.id, next);
      sim.setPrice(m.id, next.toFixed(2));
    }
    stats.priceSteps += 1;
  };
  // A plain timeout: for a moment every request is held past Binance's receive window (ccxt signs with
  // recvWindow 10 s), so it times out on our side and the exchange refuses it when it finally arrives;
  // the requests never happened. (Held only briefly: later requests pass again at once.)
  const partition = (ms: number) => {
    sim.setLatency(10_500);
    stats.partitions += 1;
    setTimeout(() => sim.setLatency(0), ms).unref();
  };
  // Each signal gets its share of the events (events of one signal run one after another), in a seeded order.
  const order = Array.from({ length: STORM_EVENTS }, (_, i) => i % groups.length);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let posting = true;
  const poster = (async () => {
    try {
      for (let i = 0; i < STORM_EVENTS && Date.now() < stormEnds; i++) {
        const group = groups[order[i]!]!;
        const roll = rnd();
        const action = roll < 0.45 ? "buy" : roll < 0.7 ? "sell" : roll < 0.93 ? "close" : "cancel";
        const lag = rnd() < 0.1 ? { max_lag: 2 } : {};
        const price = prices.get(group.market.id)!.toFixed(2);
        await fx.post(group.traders[0]!, { action, symbol: group.market.symbol, price, id: `storm-${seed}-${i}`, ...lag });
        stats.posted += 1;
        if (i % 4 === 3) moveMarkets();
        if (rnd() < FAULT_CHANCE) {
          sim.injectFault(stormFault(rnd));
          stats.faults += 1;
        }
        if (rnd() < 0.02 && stats.partitions < 3) partition(150 + Math.floor(rnd() * 250));
        if (i % 10 === 9) {
          while (Date.now() < stormEnds && (await queuedCount()) > STORM_BACKLOG) {
            moveMarkets();
            await sleep(100);
          }
        }
      }
    } finally {
      posting = false;
    }
  })();
  // The drains and the monitor, at once, while `going()`.
  const workers = async (going: () => Promise<boolean>, monitorPauseMs: number) => {
    const drainer = async () => {
      while (await going()) {
        const { processed } = await drainSignals({ budgetMs: 3_000 });
        stats.drains += 1;
        await sleep(processed > 0 ? 10 : 100);
      }
    };
    const monitor = async () => {
      while (await going()) {
        await monitorOrders({ budgetMs: 4_000 });
        stats.monitorPasses += 1;
        await sleep(monitorPauseMs);
      }
    };
    await Promise.all([...Array.from({ length: STORM_DRAINS }, drainer), monitor()]);
  };
  // The cron runs the monitor every minute; here a pass every two seconds or so is time compressed enough.
  await Promise.all([poster, workers(async () => Date.now() < stormEnds && (posting || (await queuedCount()) > 0), MONITOR_PAUSE_MS)]);
  const stormMs = Date.now() - stormStarted;

  // Quiet: the exchange answers, the price stands still; drain and monitor until a whole pass changes
  // nothing (bounded).
  const snapshot = async () => {
    const rows = await db
      .select({ id: orders.id, status: orders.status, type: orders.type, amount: orders.amount, filled: orders.filled, applied: orders.appliedFilled })
      .from(orders)
      .where(inArray(orders.accountId, accountIds))
      .orderBy(orders.id);
    const exchangeOrders = traders.reduce((n, t) => n + sim.account(t.apiKey).orders.length, 0);
    return JSON.stringify({ rows, exchangeOrders });
  };
  let lastChange = "none";
  const diffRows = (before: string, after: string) => {
    type Snap = { rows: { id: string }[]; exchangeOrders: number };
    const a = JSON.parse(before) as Snap;
    const b = JSON.parse(after) as Snap;
    const changed = b.rows.filter((r) => JSON.stringify(r) !== JSON.stringify(a.rows.find((x) => x.id === r.id)));
    return `${changed.length} rows (${JSON.stringify(changed.slice(0, 4))}), exchange orders ${a.exchangeOrders} -> ${b.exchangeOrders}`;
  };
  const quietStarted = Date.now();
  const quietEnds = quietStarted + QUIET_MS;
  // What the storm left queued (a slow machine) is drained first, the monitor running meanwhile.
  await workers(async () => Date.now() < quietEnds && (await queuedCount()) > 0, 500);
  let quiet = false;
  let quietPasses = 0;
  while (!quiet && Date.now() < quietEnds) {
    quietPasses += 1;
    await drainSignals({ budgetMs: 5_000 });
    const before = await snapshot();
    await monitorOrders({ budgetMs: 20_000 });
    const after = await snapshot();
    const inFlight = await db
      .select({ id: orders.id })
      .from(orders)
      .where(and(inArray(orders.accountId, accountIds), inArray(orders.status, ["sending", "unknown", "retry"])));
    quiet = before === after && inFlight.length === 0 && (await queuedCount()) === 0;
    if (before !== after) lastChange = diffRows(before, after);
    if (!quiet) await sleep(150);
  }
  const quietMs = Date.now() - quietStarted;

  // --- what must hold -----------------------------------------------------------------------------
  const violations: string[] = [];
  if (stats.posted < STORM_EVENTS) {
    violations.push(`only ${stats.posted} of ${STORM_EVENTS} signals posted in ${STORM_LIMIT_MS} ms: too slow a machine (or too loaded) for STORM_EVENTS=${STORM_EVENTS}`);
  }
  if (!quiet) {
    const moving = await db
      .select()
      .from(orders)
      .where(and(inArray(orders.accountId, accountIds), inArray(orders.status, ["sending", "unknown", "retry"])));
    violations.push(
      `not quiet after ${quietPasses} passes (${quietMs} ms); in flight: ${moving.map((r) => `${r.leg}/${r.type}/${r.status}/${r.error?.code ?? ""} updated ${Date.now() - r.updatedAt.getTime()} ms ago`).join(", ") || "none"}; last change: ${lastChange}`,
    );
  }
  const queuedLeft = await db
    .select()
    .from(signalEvents)
    .where(and(inArray(signalEvents.signalId, signalIds), eq(signalEvents.status, "queued")));
  for (const e of queuedLeft) {
    const executions = await db.select().from(strategyExecutions).where(eq(strategyExecutions.eventId, e.id));
    const rows = await db.select().from(orders).where(eq(orders.eventId, e.id));
    const jobs = await db.select().from(queueJobs).where(sql`${queueJobs.payload}->>'eventId' = ${e.id}`);
    violations.push(
      `signal event ${e.id} (${e.action} #${e.seq}, received ${Date.now() - e.receivedAt.getTime()} ms ago) left queued; executions: ${
        executions.map((x) => `${x.strategyId.slice(0, 8)} ${x.outcome}${x.reason ? `:${x.reason}` : ""}`).join(", ") || "none"
      }; rows: ${rows.map((r) => `${r.leg}/${r.status}/${r.error?.code ?? ""}`).join(", ") || "none"}; jobs: ${
        jobs.map((j) => `attempts ${j.attempts}, available in ${j.availableAt.getTime() - Date.now()} ms, leased ${j.leaseUntil ? j.leaseUntil.getTime() - Date.now() : "no"}`).join(" | ") || "none"
      }`,
    );
  }

  const allRows = await db.select().from(orders).where(inArray(orders.accountId, accountIds));
  const positions = await db.select().from(strategyPositions).where(inArray(strategyPositions.strategyId, traders.map((t) => t.strategyId)));
  const events = await db
    .select({ id: signalEvents.id, status: signalEvents.status, receivedAt: signalEvents.receivedAt, processedAt: signalEvents.processedAt })
    .from(signalEvents)
    .where(inArray(signalEvents.signalId, signalIds));
  const latencies = events.filter((e) => e.processedAt).map((e) => e.processedAt!.getTime() - e.receivedAt.getTime()).sort((a, b) => a - b);
  const counts = { exchangeOrders: 0, tpFilled: 0, stopsFired: 0, protectedPositions: 0, unprotected: 0, openPositions: 0 };

  for (const group of groups) {
    const spec = sim.markets.get(group.market.id)!;
    const last = sim.prices.get(group.market.id)!;
    group.traders.forEach((t, v) => {
      const variant = variantOf(groups.indexOf(group), v);
      const who = `strategy ${v} of ${group.market.symbol} signal (${t.strategyId.slice(0, 8)})`;
      const rows = allRows.filter((r) => r.accountId === t.accountId);
      const exchangeOrders = sim.account(t.apiKey).orders;
      counts.exchangeOrders += exchangeOrders.length;

      // Books: the position is what the account holds of the base asset (it started with none).
      const position = positions.find((p) => p.strategyId === t.strategyId);
      const booked = new Decimal(position?.amount ?? 0);
      const b = sim.account(t.apiKey).balances.get(group.market.base);
      const held = b ? b.free.add(b.locked) : new Decimal(0);
      if (!booked.eq(held)) {
        // The usual suspect: a buy's fill booked without the commission the exchange kept in the base asset.
        const feeless = rows.filter((r) => r.side === "buy" && new Decimal(r.appliedFilled).gt(0) && Object.keys(r.appliedFees).length === 0);
        violations.push(
          `${who}: booked position ${booked.toFixed()} but the exchange account holds ${held.toFixed()} ${group.market.base}; buys booked without a fee: ${
            feeless.map((r) => `${r.leg} ${r.type} ${r.clientOrderId} filled ${r.filled} (commission ${exchangeOrders.find((o) => o.clientOrderId === r.clientOrderId)?.fills.reduce((sum, f) => sum.add(f.commission), new Decimal(0)).toFixed() ?? "?"})`).join(", ") || "none"
          }; our rows: ${rows
            .map((r) => `${r.leg}/${r.type}/${r.side} ${r.clientOrderId.slice(-6)} ${r.status} amount ${r.amount} filled ${r.filled} fees ${JSON.stringify(r.appliedFees)}`)
            .join(" | ")}; at the exchange: ${exchangeOrders
            .map((o) => `${o.side}/${o.type} ${o.clientOrderId.slice(-6)} ${o.status} qty ${o.origQty.toFixed()} filled ${o.executedQty.toFixed()} commission ${o.fills.map((f) => `${String(f.commission)} ${f.commissionAsset}`).join("+")}`)
            .join(" | ")}`,
        );
      }

      // Exchange orders: each client order id once, each one ours, and we agree on its state.
      const ids = exchangeOrders.map((o) => o.clientOrderId);
      for (const id of new Set(ids)) {
        const n = ids.filter((x) => x === id).length;
        if (n > 1) violations.push(`${who}: client order id ${id} at the exchange ${n} times`);
      }
      for (const o of exchangeOrders) {
        const row = rows.find((r) => r.clientOrderId === o.clientOrderId);
        if (!row) {
          violations.push(`${who}: exchange order ${o.clientOrderId} (${o.side} ${o.type} ${o.status}) has no row of ours`);
          continue;
        }
        if (row.status !== ROW_STATUS_OF[o.status] || !new Decimal(row.filled).eq(o.executedQty)) {
          violations.push(`${who}: ${row.leg} row ${row.clientOrderId} is ${row.status} (filled ${row.filled}) but the exchange says ${o.status} (filled ${o.executedQty.toFixed()})`);
        }
        if (row.leg === "tp" && o.status === "FILLED") counts.tpFilled += 1;
        if (row.leg === "sl" && o.status === "FILLED") counts.stopsFired += 1;
      }
      for (const row of rows) {
        if (["sending", "unknown", "retry"].includes(row.status)) violations.push(`${who}: ${row.leg} row ${row.clientOrderId} left ${row.status}`);
        if (!new Decimal(row.filled).eq(row.appliedFilled)) violations.push(`${who}: ${row.leg} row ${row.clientOrderId} filled ${row.filled}, booked ${row.appliedFilled}`);
        if (!ids.includes(row.clientOrderId) && row.type !== "stop" && !["rejected", "expired", "canceled"].includes(row.status)) {
          violations.push(`${who}: ${row.leg} row ${row.clientOrderId} is ${row.status} but the exchange never had it`);
        }
      }
      const liveTps = rows.filter((r) => r.leg === "tp" && (r.status === "open" || r.status === "partially_filled"));
      // A stop-loss is our own armed stop, or the exchange's stop-loss-limit (the stop leg of a native pair).
      const stops = rows.filter((r) => r.leg === "sl" && r.status === "open" && (r.type === "stop" || r.type === "stop_limit"));
      if (liveTps.length > 1) violations.push(`${who}: ${liveTps.length} take-profits live`);
      if (stops.length > 1) violations.push(`${who}: ${stops.length} stop-losses live`);
      const restsFor = (clientOrderId: string, amount: Decimal) => {
        const o = exchangeOrders.find((x) => x.clientOrderId === clientOrderId);
        return Boolean(o && (o.status === "NEW" || o.status === "PARTIALLY_FILLED") && o.origQty.sub(o.executedQty).eq(amount));
      };

      // Protection: an open position of a strategy with exits configured has them, for what it holds, or
      // says why not. Open: the exchange would let us sell it both at the last price and at what it cost
      // (a remainder worth the market's minimum only above its cost cannot carry a stop-loss).
      const sellable = new Decimal(floorToStep(booked, spec.stepSize));
      const cost = booked.gt(0) ? new Decimal(position!.costBasis).div(booked) : new Decimal(0);
      const open = sellable.gte(spec.minQty) && sellable.mul(Decimal.min(last, cost)).gte(spec.minNotional);
      if (open) counts.openPositions += 1;
      if (!open || (!variant.takeProfitPct && !variant.stopLossPct)) return;
      // The take-profit waits (by design) while an entry of the strategy is still filling or one of its
      // own sells rests on the exchange holding the coins.
      const entryLive = rows.some((r) => r.side === "buy" && LIVE_ROW.includes(r.status));
      const exitLive = rows.some((r) => (r.leg === "sell" || r.leg === "close") && LIVE_ROW.includes(r.status));
      const tpOk = !variant.takeProfitPct || entryLive || exitLive || liveTps.some((r) => restsFor(r.clientOrderId, sellable));
      const slOk =
        !variant.stopLossPct ||
        stops.some((r) => (r.type === "stop" ? new Decimal(r.amount).eq(sellable) : restsFor(r.clientOrderId, sellable)));
      if (tpOk && slOk) {
        counts.protectedPositions += 1;
        return;
      }
      if (position?.protection === "unprotected" && position.protectionNote) {
        counts.unprotected += 1;
        return;
      }
      violations.push(
        `${who}: holds ${sellable.toFixed()} ${group.market.base} at ${last.toFixed()} without ${tpOk ? "" : "a live take-profit "}${slOk ? "" : "a live stop-loss "}and recorded as ${position?.protection ?? "nothing"} (${position?.protectionNote ?? "no note"}); its live rows: ${rows.filter((r) => LIVE_ROW.includes(r.status)).map((r) => `${r.leg}/${r.type}/${r.status}/${r.amount}`).join(", ") || "none"}`,
      );
    });
  }

  const outcomes = await db
    .select({ outcome: strategyExecutions.outcome, reason: strategyExecutions.reason, n: sql<number>`count(*)::int` })
    .from(strategyExecutions)
    .where(inArray(strategyExecutions.strategyId, traders.map((t) => t.strategyId)))
    .groupBy(strategyExecutions.outcome, strategyExecutions.reason);
  const summary = {
    seed,
    events: events.length,
    done: events.filter((e) => e.status === "done").length,
    eventMs: { median: latencies[Math.floor(latencies.length / 2)] ?? null, max: latencies.at(-1) ?? null },
    setupMs,
    stormMs,
    quietMs,
    quietPasses,
    ...stats,
    ...counts,
    outcomes: Object.fromEntries(outcomes.map((o) => [`${o.outcome}${o.reason ? `:${o.reason}` : ""}`, Number(o.n)])),
  };
  console.log(`fault storm (${testDb.driver}): ${JSON.stringify(summary)}`);

  expect(violations, `seed ${seed}: ${violations.length} violations`).toEqual([]);
  // The storm did storm: faults taken, take-profits and stops reached.
  expect(stats.faults, `seed ${seed}`).toBeGreaterThanOrEqual(Math.min(STORM_EVENTS / 5, 20));
  expect(counts.tpFilled, `seed ${seed}: no take-profit was reached`).toBeGreaterThan(0);
  expect(counts.stopsFired, `seed ${seed}: no stop fired`).toBeGreaterThan(0);
}
