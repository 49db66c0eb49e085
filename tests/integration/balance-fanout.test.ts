import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationEvents, signals, strategies, strategyExecutions } from "@/db/schema";
import { insertStrategy } from "@/db/queries/strategies";
import { addExchangeAccount } from "@/lib/accounts";
import { drainSignals } from "@/lib/engine";
import { resetEnvForTests } from "@/lib/env";
import { getQueue, resetQueueForTests } from "@/lib/queue";
import { generateSignalSecret, ingestSignal } from "@/lib/signals";
import { createUser } from "@/lib/users";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";

// One signal to twenty strategies of one account: the balance is read once and our own orders are taken off it.
const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const API_KEY = "fanout-trader";
let secret = "";
const strategyIds: string[] = [];

beforeAll(async () => {
  const url = await sim.start();
  Object.assign(process.env, {
    AUTH_SECRET: "fanout-auth-secret-0123456789abcdefghijklm",
    ENCRYPTION_KEY: "fanout-master-key-0123456789abcdefghijklmn",
    EXCHANGE_API_OVERRIDE: url,
    EXCHANGE_TIMEOUT_MS: "2000",
  });
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
  resetEnvForTests();
  resetQueueForTests();
  (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
  const generated = generateSignalSecret();
  secret = generated.secret;
  const [signal] = await testDb.db.insert(signals).values({ name: "fanout", secretHash: generated.hash, secretHint: generated.hint }).returning();
  const user = await createUser({ name: "Fan", email: "fan-out@example.com", passwordHash: "$argon2id$fake", autoApprove: true });
  sim.addAccount({ apiKey: API_KEY, secret: `secret-of-${API_KEY}`, balances: { USDT: "1050" } });
  const { account } = await addExchangeAccount(user.id, { exchange: "binance", label: "Binance", spot: true, futures: false, sandbox: false, apiKey: API_KEY, apiSecret: `secret-of-${API_KEY}` }, { ip: null, userAgent: "vitest" });
  for (let i = 0; i < 20; i++) {
    const strategy = await insertStrategy({ userId: user.id, name: `s${i}`, signalId: signal!.id, accountId: account.id, symbol: "BTC/USDT", sizingMode: "quote", sizingValue: "100" });
    strategyIds.push(strategy.id);
  }
});
afterAll(() => sim.stop());

describe("balance reads in a fan-out", () => {
  it("twenty fixed-size entries of one account read no balance: the venue refuses what the account cannot pay, and the trader is told", async () => {
    const queue = await getQueue();
    const before = sim.requests.filter((r) => r.path === "/api/v3/account").length;
    const answer = await ingestSignal({
      name: "fanout",
      rawBody: JSON.stringify({ secret, symbol: "BTC/USDT", action: "buy", price: "60000", id: "fan-1" }),
      contentType: "application/json",
      headers: {},
      ip: "127.0.0.1",
      enqueue: async (eventId) => {
        await queue.enqueue("signals", { eventId });
      },
    });
    await drainSignals({ budgetMs: 30_000 });
    expect(sim.requests.filter((r) => r.path === "/api/v3/account").length - before).toBe(0);
    const executions = await testDb.db.select().from(strategyExecutions).where(eq(strategyExecutions.eventId, String(answer.body.eventId)));
    expect(executions).toHaveLength(20);
    // 1,050 USDT pays for ten 100 USDT buys: the venue refuses the other ten, each recorded with its reason.
    expect(executions.filter((e) => e.outcome === "sent")).toHaveLength(10);
    expect(executions.filter((e) => e.outcome !== "sent").map((e) => `${e.outcome}:${e.reason}`)).toEqual(Array(10).fill("failed:insufficient_funds"));
    expect(sim.account(API_KEY).orders).toHaveLength(10);
    const rejected = await testDb.db.select().from(notificationEvents).where(eq(notificationEvents.type, "order.rejected"));
    expect(rejected).toHaveLength(10);
    const [first] = await testDb.db.select().from(strategyExecutions).where(and(eq(strategyExecutions.strategyId, strategyIds[0]!), eq(strategyExecutions.eventId, String(answer.body.eventId))));
    expect(first?.outcome).toBe("sent");
  });

  it("an exit reads the balance afresh for each strategy: another server's order since never makes a sell fail", async () => {
    const queue = await getQueue();
    const before = sim.requests.filter((r) => r.path === "/api/v3/account").length;
    await ingestSignal({
      name: "fanout",
      rawBody: JSON.stringify({ secret, symbol: "BTC/USDT", action: "close", price: "60000", id: "fan-close" }),
      contentType: "application/json",
      headers: {},
      ip: "127.0.0.1",
      enqueue: async (eventId) => {
        await queue.enqueue("signals", { eventId });
      },
    });
    await drainSignals({ budgetMs: 30_000 });
    // The ten strategies holding coins each read before selling (the ten without a position stop earlier).
    expect(sim.requests.filter((r) => r.path === "/api/v3/account").length - before).toBeGreaterThanOrEqual(10);
  });

  it("twenty percent-sized entries of one account read its balance once; each order is taken off the shared read", async () => {
    for (const id of strategyIds) await testDb.db.update(strategies).set({ sizingMode: "percent", sizingValue: "4" }).where(eq(strategies.id, id));
    const queue = await getQueue();
    const before = sim.requests.filter((r) => r.path === "/api/v3/account").length;
    const answer = await ingestSignal({
      name: "fanout",
      rawBody: JSON.stringify({ secret, symbol: "BTC/USDT", action: "buy", price: "60000", id: "fan-percent" }),
      contentType: "application/json",
      headers: {},
      ip: "127.0.0.1",
      enqueue: async (eventId) => {
        await queue.enqueue("signals", { eventId });
      },
    });
    await drainSignals({ budgetMs: 30_000 });
    expect(sim.requests.filter((r) => r.path === "/api/v3/account").length - before).toBe(1);
    const executions = await testDb.db.select().from(strategyExecutions).where(eq(strategyExecutions.eventId, String(answer.body.eventId)));
    expect(executions.map((e) => e.outcome)).toEqual(Array(20).fill("sent"));
    // Each 4 % of what the shared read had left after the orders before it (taken off the read), not
    // 4 % of the same stale figure twenty times.
    const costs = sim
      .account(API_KEY)
      .orders.filter((o) => o.side === "BUY")
      .slice(-20)
      .map((o) => o.cummulativeQuoteQty.toNumber());
    expect(costs).toHaveLength(20);
    expect(costs.every((c, i) => i === 0 || c <= costs[i - 1]!), JSON.stringify(costs)).toBe(true);
    expect(costs[19]!, JSON.stringify(costs)).toBeLessThan(costs[0]! * 0.6);
  });
});
