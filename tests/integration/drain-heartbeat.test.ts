import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { orders, queueJobs, rateLimitCounters, signalEvents, signals } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { drainTiming, LeaseLostError } from "@/lib/engine/drain";
import { resolveRow, sendRow } from "@/lib/engine/lifecycle";
import { deterministicClientOrderId } from "@/lib/exchanges";
import { createCcxtClient } from "@/lib/exchanges/ccxt-adapter";
import { getQueue } from "@/lib/queue";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * Short leases with a heartbeat (issue 18, recovery in seconds): a drain that works longer than its
 * leases keeps its job and signal, so no second drain runs the event beside it; a drain that died hands
 * both back as soon as the lease runs out, not minutes later.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, ordersOf } = tradingFixture(sim, testDb, "hb");
const saved = { ...drainTiming };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(() => {
  Object.assign(drainTiming, { jobLeaseMs: 400, signalLeaseMs: 400, heartbeatMs: 100 });
});
afterAll(() => {
  Object.assign(drainTiming, saved);
});

beforeEach(async () => {
  sim.clearFaults();
  sim.setLatency(0);
  sim.setPrice("BTCUSDT", "60000");
  await testDb.db.delete(rateLimitCounters);
});

/** Drains over and over for `ms` (a second server's drain) and answers how many events it processed. */
async function otherDrain(ms: number) {
  let processed = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    processed += (await drainSignals({ budgetMs: 200 })).processed;
    await sleep(50);
  }
  return processed;
}

describe("drain leases with a heartbeat", () => {
  it("a drain working past its lease keeps the event: a second drain meanwhile takes nothing, one order is sent", async () => {
    const trader = await makeTrader();
    const eventId = await post(trader, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "hb-1" });
    // Every exchange call takes 700 ms: the event runs for seconds, many times its 400 ms leases.
    sim.setLatency(700);
    const first = drainSignals({ budgetMs: 20_000 });
    await sleep(300);
    const second = await otherDrain(2_500);
    const { processed } = await first;
    expect(second).toBe(0);
    expect(processed).toBe(1);
    const rows = await ordersOf(trader.strategyId);
    expect(rows.filter((r) => r.leg === "buy")).toHaveLength(1);
    const [event] = await testDb.db.select({ status: signalEvents.status }).from(signalEvents).where(eq(signalEvents.id, eventId));
    expect(event?.status).toBe("done");
  });

  it("without the heartbeat a second drain would take over: the test above can tell", async () => {
    drainTiming.heartbeatMs = 60_000;
    try {
      const trader = await makeTrader();
      await post(trader, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "hb-2" });
      sim.setLatency(700);
      const first = drainSignals({ budgetMs: 20_000 });
      await sleep(300);
      const [taken] = await Promise.all([
        (async () => {
          // The job's lease runs out while the first drain is still at the exchange.
          for (let i = 0; i < 40; i++) {
            const queue = await getQueue();
            const { ready } = await queue.size("signals");
            if (ready > 0) return true;
            await sleep(100);
          }
          return false;
        })(),
        first,
      ]);
      expect(taken).toBe(true);
      // Still one order: the order row, not the lease, keeps a send single.
      expect((await ordersOf(trader.strategyId)).filter((r) => r.leg === "buy")).toHaveLength(1);
    } finally {
      drainTiming.heartbeatMs = 100;
      await drainSignals({ budgetMs: 2_000 });
    }
  });

  it("a worker that loses its lease after writing an order row hands the row on as not placed: the next one sends it at once", async () => {
    const trader = await makeTrader();
    const eventId = await post(trader, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "hb-4" });
    const clientOrderId = deterministicClientOrderId(eventId, trader.strategyId, "buy");
    // The row as the executor writes it before the call; then the guard finds the signal taken over.
    const [row] = await testDb.db
      .insert(orders)
      .values({
        userId: trader.userId,
        accountId: trader.accountId,
        source: "signal",
        strategyId: trader.strategyId,
        eventId,
        leg: "buy",
        clientOrderId,
        symbol: "BTC/USDT",
        side: "buy",
        type: "market",
        amount: "0.01",
        status: "sending",
        sendBy: new Date(Date.now() + 300_000),
      })
      .returning();
    const client = await createCcxtClient({
      exchange: "binance",
      marketType: "spot",
      sandbox: false,
      credentials: { apiKey: trader.apiKey, secret: sim.account(trader.apiKey).secret },
      apiOverride: sim.url,
      timeoutMs: 5_000,
    });
    await expect(sendRow(row!, client, { guard: async () => Promise.reject(new LeaseLostError()) })).rejects.toBeInstanceOf(LeaseLostError);
    const [handed] = await testDb.db.select().from(orders).where(eq(orders.id, row!.id));
    // Known not sent: `retry`, not `sending` (which would look in flight for the abandoned-send minute).
    expect(handed?.status).toBe("retry");
    expect(sim.account(trader.apiKey).orders).toHaveLength(0);

    const result = await resolveRow(handed!, client);
    expect(result.status).toBe("placed");
    expect(sim.account(trader.apiKey).orders).toHaveLength(1);
    expect(sim.account(trader.apiKey).orders[0]?.clientOrderId).toBe(clientOrderId);
    await drainSignals({ budgetMs: 3_000 });
  });

  it("a hand-back never touches a row another worker has claimed since", async () => {
    const trader = await makeTrader();
    const eventId = await post(trader, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "hb-5" });
    const [row] = await testDb.db
      .insert(orders)
      .values({
        userId: trader.userId,
        accountId: trader.accountId,
        source: "signal",
        strategyId: trader.strategyId,
        eventId,
        leg: "buy",
        clientOrderId: deterministicClientOrderId(eventId, trader.strategyId, "buy"),
        symbol: "BTC/USDT",
        side: "buy",
        type: "market",
        amount: "0.01",
        status: "sending",
        updatedAt: new Date(Date.now() - 120_000),
      })
      .returning();
    // Another worker claimed the abandoned row meanwhile (a later claim, a later updated_at).
    await testDb.db.update(orders).set({ updatedAt: new Date() }).where(eq(orders.id, row!.id));
    const client = await createCcxtClient({
      exchange: "binance",
      marketType: "spot",
      sandbox: false,
      credentials: { apiKey: trader.apiKey, secret: sim.account(trader.apiKey).secret },
      apiOverride: sim.url,
      timeoutMs: 5_000,
    });
    await expect(sendRow(row!, client, { guard: async () => Promise.reject(new LeaseLostError()) })).rejects.toBeInstanceOf(LeaseLostError);
    const [after] = await testDb.db.select().from(orders).where(eq(orders.id, row!.id));
    expect(after?.status).toBe("sending");
    await testDb.db.update(orders).set({ status: "canceled" }).where(eq(orders.id, row!.id));
    await drainSignals({ budgetMs: 3_000 });
  });

  it("a drain that died hands its job and signal back once the short lease runs out", async () => {
    const trader = await makeTrader();
    const eventId = await post(trader, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "hb-3" });
    // The dead drain had claimed the event's job and leased its signal, then vanished (no heartbeat).
    const queue = await getQueue();
    const [job] = await queue.claim("signals", { leaseMs: drainTiming.jobLeaseMs });
    expect(job?.payload.eventId).toBe(eventId);
    await testDb.db
      .update(signals)
      .set({ drainToken: "dead-drain", drainLeaseUntil: new Date(Date.now() + drainTiming.signalLeaseMs) })
      .where(eq(signals.id, trader.signalId));
    expect((await drainSignals({ budgetMs: 200 })).processed).toBe(0);

    await sleep(drainTiming.jobLeaseMs + 100);
    const { processed } = await drainSignals({ budgetMs: 5_000 });
    expect(processed).toBeGreaterThanOrEqual(1);
    const [event] = await testDb.db.select({ status: signalEvents.status }).from(signalEvents).where(eq(signalEvents.id, eventId));
    expect(event?.status).toBe("done");
    expect((await ordersOf(trader.strategyId)).filter((r) => r.leg === "buy")).toHaveLength(1);
    expect(sim.account(trader.apiKey).orders).toHaveLength(1);
    expect(await testDb.db.select().from(queueJobs).where(eq(queueJobs.leaseToken, job!.leaseToken))).toHaveLength(0);
  });
});
