import { beforeEach, describe, expect, it } from "vitest";
import { rateLimitCounters, sharedCache, strategyPositions } from "@/db/schema";
import { isDust, valuedPositions } from "@/lib/overview";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * A remainder its market cannot trade (below the amount step, the minimum amount or the minimum order
 * value: what a close on paper can leave) is not listed as an open position; the books keep it.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, positionRow } = tradingFixture(sim, testDb, "dust");

beforeEach(async () => {
  sim.setPrice("BTCUSDT", "60000");
  await testDb.db.delete(rateLimitCounters);
  await testDb.db.delete(sharedCache);
});

describe("dust left after a close", () => {
  it("is closed in the positions list, and still booked", async () => {
    const me = await makeTrader();
    const hold = async (amount: string) => {
      await testDb.db.insert(strategyPositions).values({ strategyId: me.strategyId, amount, costBasis: "1" }).onConflictDoUpdate({ target: strategyPositions.strategyId, set: { amount } });
      return (await valuedPositions({ userId: me.userId })).positions.map((p) => p.amount);
    };
    // BTC/USDT on the simulator: amount step 0.00001, minimum value 5 USDT.
    expect(await hold("0.000004")).toEqual([]);
    expect((await positionRow(me.strategyId))!.amount).toBe("0.000004");
    // 0.00005 BTC at 60000 is 3 USDT: below the minimum order value.
    expect(await hold("0.00005")).toEqual([]);
    // 0.0001 BTC is 6 USDT: a position.
    expect(await hold("0.0001")).toEqual(["0.0001"]);
  });

  it("is judged by the market's step, minimum amount and minimum value", () => {
    const market = { amountStep: "0.001", minAmount: "0.01", minCost: "10" };
    expect(isDust("0.0005", "100", market)).toBe(true);
    expect(isDust("0.005", "10000", market)).toBe(true);
    expect(isDust("0.05", "100", market)).toBe(true);
    expect(isDust("0.2", "100", market)).toBe(false);
    expect(isDust("0.2", null, market)).toBe(false);
  });
});
