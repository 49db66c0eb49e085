import { beforeEach, describe, expect, it } from "vitest";
import { rateLimitCounters } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * The drain is CPU bound on query building and socket writes under load: the SQL one plain execution
 * issues is counted, so waste (the same row read twice, one update per row) does not creep back.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, legOf } = tradingFixture(sim, testDb, "stmts");

type Logger = { logQuery: (query: string, params: unknown[]) => void };

/** Every statement drizzle sends while `run` runs (transactions included: they share the session's options). */
async function statementsOf(run: () => Promise<unknown>) {
  const session = (testDb.db as unknown as { session: { logger: Logger; options: { logger?: Logger } } }).session;
  const seen: string[] = [];
  const logger: Logger = { logQuery: (query) => seen.push(query) };
  const before = { logger: session.logger, options: session.options.logger };
  session.logger = logger;
  session.options.logger = logger;
  try {
    await run();
  } finally {
    session.logger = before.logger;
    session.options.logger = before.options;
  }
  return seen;
}

beforeEach(async () => {
  sim.setPrice("BTCUSDT", "60000");
  await testDb.db.delete(rateLimitCounters);
  // The once-a-minute requeue of stale events is not part of an execution.
  (globalThis as { __sbRequeuedAt?: number }).__sbRequeuedAt = Date.now();
});

describe("SQL per execution", () => {
  it("a filled market buy (queue claim to ack) issues a bounded number of statements", async () => {
    // A first execution warms the account's client and markets; the second is the one counted.
    const warm = await makeTrader();
    await post(warm, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "warm" });
    await drainSignals({ budgetMs: 5_000 });

    const t = await makeTrader();
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "count" });
    const statements = await statementsOf(() => drainSignals({ budgetMs: 5_000 }));
    expect(await legOf(t.strategyId, buy, "buy")).toMatchObject({ status: "filled" });
    console.info(`statements for one filled market buy: ${statements.length}\n${statements.map((s) => s.slice(0, 140)).join("\n")}`);
    // 32 before the cuts (the event read twice, the order row re-read after its update, insert-then-lock of the position, a locking read before the booking update).
    // +1 since: the fill ledger's row, written in the booking's transaction (issue 12).
    // +5 since: the order's notification (the account's label, the strategy's name, the user's settings,
    // the event and its channel items; issue 13); +6: the shared cache without Redis (the balance shared
    // by a signal's fan-out, read and written, and the ticker/market entries read; issue 11). Both are
    // the next cuts for issue 18: names resolved when the drain renders, settings applied by the drain,
    // an in-process memo in front of the shared cache.
    // -8 since (issue 18): a fixed-size entry reads no balance (nor its shared-cache entries) and no
    // position; the exchange budget is taken in blocks; both names of the notification in one statement.
    expect(statements.length).toBeLessThanOrEqual(30);
  });
});
