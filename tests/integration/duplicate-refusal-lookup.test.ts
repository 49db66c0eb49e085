import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { orders, rateLimitCounters } from "@/db/schema";
import { sendRow } from "@/lib/engine/lifecycle";
import { createCcxtClient } from "@/lib/exchanges/ccxt-adapter";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * "Duplicate order sent" means an order under our client id is live on the venue. When the look-up that
 * should find it gets no answer, the row is unknown (looked up again later), never rejected: a rejected
 * row lets a later try go out under a new id while our first order may still fill.
 */
const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader } = tradingFixture(sim, testDb, "duplookup");

beforeEach(async () => {
  sim.clearFaults();
  sim.setPrice("BTCUSDT", "60000");
  await testDb.db.delete(rateLimitCounters);
});

async function setUp(clientOrderId: string) {
  const trader = await makeTrader();
  const client = await createCcxtClient({
    exchange: "binance",
    marketType: "spot",
    sandbox: false,
    credentials: { apiKey: trader.apiKey, secret: sim.account(trader.apiKey).secret },
    apiOverride: sim.url,
    timeoutMs: 5_000,
  });
  // Our order is already resting on the venue (its first send was accepted; the answer was lost).
  await client.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.001", price: "50000", clientOrderId });
  const [row] = await testDb.db
    .insert(orders)
    .values({
      userId: trader.userId,
      accountId: trader.accountId,
      source: "manual",
      clientOrderId,
      symbol: "BTC/USDT",
      side: "buy",
      type: "limit",
      amount: "0.001",
      price: "50000",
      status: "sending",
    })
    .returning();
  return { trader, client, row: row! };
}

describe("a duplicate refusal whose look-up gets no answer", () => {
  it("leaves the row unknown, not rejected; once the venue answers, the order is found as ours", async () => {
    const { client, row, trader } = await setUp("sbduplookup0000000000000000001");
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/order", method: "GET", count: 10 });
    const sent = await sendRow(row, client);
    expect(sent.status).toBe("unknown");
    const [after] = await testDb.db.select().from(orders).where(eq(orders.id, row.id));
    expect(after).toMatchObject({ status: "unknown" });
    sim.clearFaults();
    // Sent again (as the monitor's resolve does once the look-up finds nothing yet): the venue says
    // duplicate again and the look-up now finds our resting order.
    const again = await sendRow({ ...after!, status: "sending" }, client);
    expect(again.status).toBe("placed");
    const [found] = await testDb.db.select().from(orders).where(eq(orders.id, row.id));
    expect(found).toMatchObject({ status: "open" });
    expect(sim.account(trader.apiKey).orders.filter((o) => o.clientOrderId === row.clientOrderId)).toHaveLength(1);
  });

  it("a refusal the look-up confirms (nothing under our id) is rejected, as before", async () => {
    const { client, row } = await setUp("sbduplookup0000000000000000002");
    // Under the venue's minimum value (0.5 USDT): refused as an invalid order, and nothing is under this id.
    const [small] = await testDb.db
      .update(orders)
      .set({ clientOrderId: "sbduplookup0000000000000000003", amount: "0.00001" })
      .where(eq(orders.id, row.id))
      .returning();
    const lookups = () => sim.requests.filter((r) => r.method === "GET" && r.path === "/api/v3/order").length;
    const before = lookups();
    const sent = await sendRow(small!, client);
    expect(sent.status).toBe("refused");
    expect(lookups() - before).toBe(1);
    const [after] = await testDb.db.select().from(orders).where(eq(orders.id, row.id));
    expect(after).toMatchObject({ status: "rejected", error: { code: "invalid_order" } });
  });
});
