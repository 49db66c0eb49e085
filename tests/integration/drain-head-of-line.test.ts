import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { rateLimitCounters, signalEvents } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { lifecycleTiming } from "@/lib/engine/lifecycle";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * One strategy waiting on its venue does not hold up the other strategies on the same signal: each
 * strategy still takes the signal's events in order, but only behind its own unfinished ones.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeSignal, makeTrader, post, legOf, executionOf, heldBy } = tradingFixture(sim, testDb, "hol");

const queued = async (eventIds: string[]) =>
  (await testDb.db.select({ id: signalEvents.id }).from(signalEvents).where(and(inArray(signalEvents.id, eventIds), eq(signalEvents.status, "queued")))).length;

beforeAll(() => {
  lifecycleTiming.lookupGraceMs = 200;
});

beforeEach(async () => {
  sim.clearFaults();
  sim.setPrice("BTCUSDT", "60000");
  await testDb.db.delete(rateLimitCounters);
});

describe("a transient wait of one strategy", () => {
  it("does not hold other strategies' later events, and the waiting strategy runs its events in order once the venue recovers", async () => {
    const signal = await makeSignal();
    const stuck = await makeTrader({}, { USDT: "50000" }, signal);
    const free = await makeTrader({}, { USDT: "50000" }, signal);
    // The stuck strategy's account answers every new order with a 503 (its part of the venue is down).
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/order", method: "POST", apiKey: stuck.apiKey, count: 10_000 });

    const buy = await post(free, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "hol-1" });
    const sell = await post(free, { action: "sell", symbol: "BTC/USDT", price: "60000", id: "hol-2" });

    // The other strategy's buy and the sell after it both go out within a few seconds.
    const until = Date.now() + 4_000;
    while (Date.now() < until && (await executionOf(free.strategyId, sell))?.outcome !== "sent") {
      await drainSignals({ budgetMs: 1_000 });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await executionOf(free.strategyId, buy)).toMatchObject({ outcome: "sent" });
    expect(await executionOf(free.strategyId, sell)).toMatchObject({ outcome: "sent" });
    expect(sim.account(free.apiKey).orders.map((o) => o.side)).toEqual(["BUY", "SELL"]);
    expect(await heldBy(free.strategyId)).toBe("0");

    // The stuck strategy waits on its buy and has not run the sell ahead of it.
    expect(await executionOf(stuck.strategyId, buy)).toMatchObject({ outcome: "waiting" });
    expect(await legOf(stuck.strategyId, sell, "sell")).toBeUndefined();
    expect(sim.account(stuck.apiKey).orders).toHaveLength(0);
    expect(await queued([buy, sell])).toBe(2);

    // The venue recovers: the buy goes out, then the sell, in that order.
    sim.clearFaults();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (await queued([buy, sell])) > 0) {
      await drainSignals({ budgetMs: 2_000 });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await queued([buy, sell])).toBe(0);
    expect(await executionOf(stuck.strategyId, buy)).toMatchObject({ outcome: "sent" });
    expect(await executionOf(stuck.strategyId, sell)).toMatchObject({ outcome: "sent" });
    const placed = sim.account(stuck.apiKey).orders;
    expect(placed.map((o) => [o.side, o.clientOrderId])).toEqual([
      ["BUY", (await legOf(stuck.strategyId, buy, "buy"))!.clientOrderId],
      ["SELL", (await legOf(stuck.strategyId, sell, "sell"))!.clientOrderId],
    ]);
    expect(await heldBy(stuck.strategyId)).toBe("0");
    // Nothing was sent twice for the strategy that went first.
    expect(sim.account(free.apiKey).orders).toHaveLength(2);
  });
});
