import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, ne, sql } from "drizzle-orm";
import { rateLimitCounters, signalEvents } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { waitDelayMs } from "@/lib/engine/drain";
import { lifecycleTiming } from "@/lib/engine/lifecycle";
import { getQueue } from "@/lib/queue";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * The backstop that gives a stale queued event a new job (its job lost in a crash) must not add a job for
 * an event whose own job is alive and waiting: under a long venue outage every waiting event would gain one
 * job a minute, each of them waiting and re-queued again.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeSignal, makeTrader, post } = tradingFixture(sim, testDb, "rq");
const minutesPass = () => {
  (globalThis as unknown as { __sbRequeuedAt?: number }).__sbRequeuedAt = 0;
};

beforeAll(() => {
  lifecycleTiming.lookupGraceMs = 200;
});

beforeEach(async () => {
  sim.clearFaults();
  sim.setPrice("BTCUSDT", "60000");
  await testDb.db.delete(rateLimitCounters);
});

describe("requeue of stale events", () => {
  it("keeps one job per waiting event however many minutes the outage lasts", async () => {
    const signal = await makeSignal();
    const trader = await makeTrader({}, { USDT: "50000" }, signal);
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/order", method: "POST", apiKey: trader.apiKey, count: 10_000 });
    const eventId = await post(trader, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "rq-1" });
    await drainSignals({ budgetMs: 300 });
    // The event is older than the backstop's two minutes, still queued, its job alive and waiting.
    await testDb.db.update(signalEvents).set({ receivedAt: sql`now() - interval '3 minutes'` }).where(eq(signalEvents.id, eventId));

    const queue = await getQueue();
    for (let minute = 0; minute < 4; minute++) {
      minutesPass();
      await drainSignals({ budgetMs: 300 });
    }
    const { ready, leased } = await queue.size("signals");
    expect(ready + leased).toBe(1);
    const [event] = await testDb.db.select({ status: signalEvents.status }).from(signalEvents).where(eq(signalEvents.id, eventId));
    expect(event?.status).toBe("queued");
  });

  it("gives an event whose job was lost a new job, once", async () => {
    const signal = await makeSignal();
    const trader = await makeTrader({}, { USDT: "50000" }, signal);
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/order", method: "POST", apiKey: trader.apiKey, count: 10_000 });
    const eventId = await post(trader, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "rq-2" });
    const queue = await getQueue();
    // The crash: the event is stored but its job is gone.
    for (let jobs = await queue.claim("signals", { leaseMs: 60_000, limit: 50 }); jobs.length > 0; jobs = await queue.claim("signals", { leaseMs: 60_000, limit: 50 })) {
      for (const job of jobs) await queue.ack("signals", job);
    }
    await testDb.db.update(signalEvents).set({ receivedAt: sql`now() - interval '3 minutes'` }).where(eq(signalEvents.id, eventId));
    // The crash took the earlier test's job too, including one waiting out a backoff (the claims above
    // do not see it): that event is settled and its job dropped, so only this test's event is counted.
    await testDb.db.update(signalEvents).set({ status: "done" }).where(and(eq(signalEvents.status, "queued"), ne(signalEvents.id, eventId)));
    await testDb.db.execute(sql`delete from queue_jobs where queue = 'signals'`);
    minutesPass();
    await drainSignals({ budgetMs: 300 });
    minutesPass();
    await drainSignals({ budgetMs: 300 });
    const { ready, leased } = await queue.size("signals");
    expect(ready + leased).toBe(1);
    // Tried again (the venue still answers 503), so it waits on its new job rather than sitting forgotten.
    const [event] = await testDb.db.select({ status: signalEvents.status, nudgedAt: signalEvents.nudgedAt }).from(signalEvents).where(eq(signalEvents.id, eventId));
    expect(event).toMatchObject({ status: "queued", nudgedAt: expect.any(Date) });
    expect(sim.account(trader.apiKey).orders).toHaveLength(0);
  });

  it("backs off a long wait, up to half a minute", () => {
    expect(waitDelayMs(0, 1_000)).toBe(1_000);
    expect(waitDelayMs(9, 1_000)).toBe(1_000);
    expect(waitDelayMs(11, 1_000)).toBe(4_000);
    expect(waitDelayMs(50, 1_000)).toBe(30_000);
    expect(waitDelayMs(50, 45_000)).toBe(45_000);
  });
});
