import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { strategies } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { insertWithinCaps } from "@/lib/engine/caps";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

// A stalled second run of an execution whose first run already sent its order must not record the
// order's own cap refusal ("max open orders: 1", counting that very order) over the `sent` it earned.
const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, legOf } = tradingFixture(sim, testDb, "capsown");

describe("caps and an intent's own row", () => {
  it("a cap never refuses the intent whose own row is already written: the caller finds that row", async () => {
    sim.setPrice("BTCUSDT", "60000");
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "5", maxOpenOrders: 1 });
    const eventId = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "own-1" });
    await drainSignals({ budgetMs: 5_000 });
    const sent = await legOf(t.strategyId, eventId, "buy");
    expect(sent).toMatchObject({ status: "open" });

    // The duplicate run reaches the caps with the same intent: the live order is its own.
    const [strategy] = await testDb.db.select().from(strategies).where(eq(strategies.id, t.strategyId));
    const { id: _id, createdAt: _c, updatedAt: _u, ...values } = sent!;
    expect(await insertWithinCaps(strategy!, { ...values, status: "sending" })).toEqual({ ok: true, row: undefined });

    // Another event's intent is still refused by the same cap.
    expect(await insertWithinCaps(strategy!, { ...values, eventId: crypto.randomUUID(), clientOrderId: "other-intent", status: "sending" })).toMatchObject({
      ok: false,
      reason: "max_open_orders",
    });
  });
});
