import { beforeEach, describe, expect, it, vi } from "vitest";
import { and, eq } from "drizzle-orm";
import { rateLimitCounters, signalEvents } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

// Our own database failing while the engine reads the strategy's account (before any order row exists)
// is "later", as a 5xx is: the trade is not dropped as failed.
const failing = vi.hoisted(() => ({ reads: 0 }));
vi.mock("@/db/queries/exchange-accounts", async (original) => {
  const real = await original<typeof import("@/db/queries/exchange-accounts")>();
  return {
    ...real,
    getAccountForTrading: async (...args: Parameters<typeof real.getAccountForTrading>) => {
      if (failing.reads > 0) {
        failing.reads -= 1;
        throw new Error("Connection terminated unexpectedly");
      }
      return real.getAccountForTrading(...args);
    },
  };
});

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeSignal, makeTrader, post, executionOf } = tradingFixture(sim, testDb, "tbs");

beforeEach(async () => {
  sim.clearFaults();
  sim.setPrice("BTCUSDT", "60000");
  await testDb.db.delete(rateLimitCounters);
});

describe("a failure of ours before the order is written", () => {
  it("makes the execution wait and the event come back, then the order goes out once", async () => {
    const signal = await makeSignal();
    const trader = await makeTrader({}, { USDT: "50000" }, signal);
    failing.reads = 1;
    const buy = await post(trader, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "tbs-1" });

    await drainSignals({ budgetMs: 1_000 });
    expect(await executionOf(trader.strategyId, buy)).toMatchObject({ outcome: "waiting" });
    expect(sim.account(trader.apiKey).orders).toHaveLength(0);

    const until = Date.now() + 15_000;
    while (Date.now() < until && (await executionOf(trader.strategyId, buy))?.outcome !== "sent") {
      await drainSignals({ budgetMs: 2_000 });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await executionOf(trader.strategyId, buy)).toMatchObject({ outcome: "sent" });
    expect(sim.account(trader.apiKey).orders).toHaveLength(1);
    const [event] = await testDb.db.select({ status: signalEvents.status }).from(signalEvents).where(and(eq(signalEvents.id, buy)));
    expect(event?.status).toBe("done");
  });
});
