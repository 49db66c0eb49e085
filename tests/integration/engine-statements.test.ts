import { beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { notificationEvents, notificationItems, rateLimitCounters } from "@/db/schema";
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
    // +5 since: the order's notification (issue 13); +6: the shared cache without Redis (issue 11).
    // -4 (issue 18): the notification is one statement (the account's label, the strategy's name and the
    // user's channel settings read inside it, no savepoint); -2: the fan-out balance is read once per
    // account and event and our order is applied to this process's copy (no re-read of the generation
    // and the entry before writing it back). Left of the cache: the generation and the balance read, the
    // balance written once read and once after the order.
    expect(statements.length).toBeLessThanOrEqual(32);
    const notifications = statements.filter((s) => /notification_/.test(s));
    expect(notifications).toHaveLength(1);
    const [event] = await testDb.db.select().from(notificationEvents).where(eq(notificationEvents.dedupeKey, `order.filled:${(await legOf(t.strategyId, buy, "buy"))!.id}`));
    expect(event).toMatchObject({ inapp: true, payload: expect.objectContaining({ account: expect.any(String), strategy: expect.any(String), symbol: "BTC/USDT" }) });
    const items = await testDb.db.select({ channel: notificationItems.channel }).from(notificationItems).where(eq(notificationItems.eventId, event!.id));
    expect(items.map((i) => i.channel).sort()).toEqual(["email", "telegram"]);
  });
});
