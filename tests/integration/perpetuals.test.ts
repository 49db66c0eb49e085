import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { fills, fundingPayments, orders, signals, strategyExecutions, strategyPositions } from "@/db/schema";
import { createUser } from "@/lib/users";
import { insertStrategy } from "@/db/queries/strategies";
import { addExchangeAccount } from "@/lib/accounts";
import { drainSignals, monitorOrders } from "@/lib/engine";
import { fundingTiming } from "@/lib/engine/funding";
import { forgetLeverage } from "@/lib/engine/leverage";
import { resetEnvForTests } from "@/lib/env";
import { getQueue, resetQueueForTests } from "@/lib/queue";
import { generateSignalSecret, ingestSignal } from "@/lib/signals";
import { fifoFigures } from "@/lib/statistics";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";

// A USDT-M perpetual strategy on Binance, end to end through ccxt's own code against the simulator's /fapi.
const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const meta = { ip: null, userAgent: "vitest" };
const API_KEY = "perp-trader";
let secret = "";
let signalId = "";
let userId = "";
let strategyId = "";
let accountId = "";

async function post(body: Record<string, unknown>) {
  const queue = await getQueue();
  const answer = await ingestSignal({
    name: "perps",
    rawBody: JSON.stringify({ secret, symbol: "BTCUSDT.P", ...body }),
    contentType: "application/json",
    headers: {},
    ip: "127.0.0.1",
    enqueue: async (eventId) => {
      await queue.enqueue("signals", { eventId });
    },
  });
  expect(answer.status).toBe(202);
  await drainSignals({ budgetMs: 15_000 });
  return String(answer.body.eventId);
}

const position = async () => (await testDb.db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, strategyId)))[0]!;
const rowsOf = (eventId: string) => testDb.db.select().from(orders).where(and(eq(orders.strategyId, strategyId), eq(orders.eventId, eventId))).orderBy(asc(orders.createdAt));
const simOrders = () => sim.futures.orders(API_KEY);
const contracts = () => sim.futures.desk.position(API_KEY, "BTCUSDT").contracts.toFixed();

beforeAll(async () => {
  const url = await sim.start();
  Object.assign(process.env, {
    AUTH_SECRET: "perps-auth-secret-0123456789abcdefghijkl",
    ENCRYPTION_KEY: "perps-master-key-0123456789abcdefghijklm",
    EXCHANGE_API_OVERRIDE: url,
    EXCHANGE_TIMEOUT_MS: "2000",
  });
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
  resetEnvForTests();
  resetQueueForTests();
  forgetLeverage();
  (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
  const generated = generateSignalSecret();
  secret = generated.secret;
  const [signal] = await testDb.db.insert(signals).values({ name: "perps", secretHash: generated.hash, secretHint: generated.hint }).returning();
  signalId = signal!.id;
  userId = (await createUser({ name: "Pat", email: "pat-perps@example.com", passwordHash: "$argon2id$fake", autoApprove: true })).id;
  sim.addAccount({ apiKey: API_KEY, secret: `secret-of-${API_KEY}` });
  const { account } = await addExchangeAccount(
    userId,
    { exchange: "binance", label: "Binance USDT-M", spot: false, futures: true, sandbox: false, apiKey: API_KEY, apiSecret: `secret-of-${API_KEY}` },
    meta,
  );
  accountId = account.id;
  const strategy = await insertStrategy({ userId, name: "BTC perp", signalId, accountId, symbol: "BTC/USDT:USDT", sizingMode: "quote", sizingValue: "3000", leverage: 3, marginMode: "isolated" });
  strategyId = strategy.id;
});
afterAll(() => sim.stop());

describe("a USDT-perpetual strategy on Binance (USDT-M)", () => {
  it("opens a long after setting isolated margin and leverage 3 on the venue", async () => {
    await post({ action: "buy", position: "long", price: "60000", id: "p-1" });
    const paths = sim.requests.map((r) => `${r.method} ${r.path}`);
    const firstOrder = paths.indexOf("POST /fapi/v1/order");
    expect(firstOrder).toBeGreaterThan(-1);
    expect(paths.indexOf("POST /fapi/v1/marginType")).toBeLessThan(firstOrder);
    expect(paths.indexOf("POST /fapi/v1/leverage")).toBeLessThan(firstOrder);
    expect(sim.futures.desk.settings(API_KEY, "BTCUSDT")).toEqual({ leverage: 3, marginMode: "isolated" });
    expect(contracts()).toBe("0.05");
    expect(simOrders().map((o) => [o.side, o.qty.toFixed(), o.reduceOnly])).toEqual([["buy", "0.05", false]]);
    expect((await position()).amount).toBe("0.05");
  });

  it("sell with a short target reverses: a reduceOnly close, then the short, each its own row and client id", async () => {
    sim.futures.setPrice("BTCUSDT", "62000");
    const eventId = await post({ action: "sell", position: "short", price: "62000", id: "p-2" });
    const rows = await rowsOf(eventId);
    expect(rows.map((r) => [r.leg, r.side, r.amount, r.reduceOnly, r.status])).toEqual([
      ["close", "sell", "0.05", true, "filled"],
      // 3,000 USDT of notional at 62,000 is 0.048 BTC (the step is 0.001).
      ["sell", "sell", "0.048", false, "filled"],
    ]);
    expect(new Set(rows.map((r) => r.clientOrderId)).size).toBe(2);
    expect(simOrders().slice(1).map((o) => [o.clientId, o.side, o.qty.toFixed(), o.reduceOnly])).toEqual(rows.map((r) => [r.clientOrderId, "sell", r.amount, r.reduceOnly]));
    expect(contracts()).toBe("-0.048");
    const pos = await position();
    expect(pos.amount).toBe("-0.048");
    // Long 0.05 from 60,000 to 62,000 = +100, less 0.04% taker on entry (1.2) and exit (1.24).
    expect(pos.realizedPnl).toBe("97.56");
    const [execution] = await testDb.db.select().from(strategyExecutions).where(and(eq(strategyExecutions.strategyId, strategyId), eq(strategyExecutions.eventId, eventId)));
    expect(execution?.outcome).toBe("sent");
  });

  it("buy with a flat target closes the short reduceOnly and realizes (entry - exit) x base", async () => {
    sim.futures.setPrice("BTCUSDT", "61000");
    const eventId = await post({ action: "buy", position: "flat", price: "61000", id: "p-3" });
    const rows = await rowsOf(eventId);
    expect(rows.map((r) => [r.leg, r.side, r.amount, r.reduceOnly, r.status])).toEqual([["close", "buy", "0.048", true, "filled"]]);
    expect(contracts()).toBe("0");
    const pos = await position();
    expect(pos.amount).toBe("0");
    // Short 0.048 from 62,000 to 61,000 = +48, less 1.1904 entry and 1.1712 exit fees: 45.6384.
    expect(pos.realizedPnl).toBe("143.1984");
    // Every exit the venue saw was reduceOnly; every entry was not.
    expect(simOrders().map((o) => o.reduceOnly)).toEqual([false, true, false, true]);
    // The fill ledger's FIFO (short lots included) agrees with the position.
    const ledger = await testDb.db.select().from(fills).where(eq(fills.strategyId, strategyId));
    expect(fifoFigures(ledger).realizedPnl).toBe(pos.realizedPnl);
  });

  it("without a target, sell on a flat strategy that does not allow shorts sends nothing", async () => {
    const before = simOrders().length;
    const eventId = await post({ action: "sell", id: "p-4" });
    const [execution] = await testDb.db.select().from(strategyExecutions).where(and(eq(strategyExecutions.strategyId, strategyId), eq(strategyExecutions.eventId, eventId)));
    expect([execution?.outcome, execution?.reason]).toEqual(["skipped", "no_position"]);
    expect(simOrders().length).toBe(before);
  });

  it("books a funding payment once, however often the monitor reads it", async () => {
    await post({ action: "sell", position: "short", price: "61000", id: "p-5" });
    expect((await position()).amount).toBe("-0.049");
    const before = (await position()).realizedPnl;
    sim.futures.addFunding(API_KEY, "BTCUSDT", "1.5");
    const every = fundingTiming.everyMs;
    fundingTiming.everyMs = 0;
    try {
      await monitorOrders({ budgetMs: 5_000 });
      await monitorOrders({ budgetMs: 5_000 });
    } finally {
      fundingTiming.everyMs = every;
    }
    const booked = await testDb.db.select().from(fundingPayments).where(eq(fundingPayments.strategyId, strategyId));
    expect(booked.map((b) => [b.symbol, b.amount])).toEqual([["BTC/USDT:USDT", "1.5"]]);
    expect((await position()).realizedPnl).toBe(String(Number(before) + 1.5));
    // Read at most every few minutes per account: a pass right after does not ask the venue again.
    const reads = () => sim.requests.filter((r) => r.path === "/fapi/v1/income").length;
    const asked = reads();
    sim.futures.addFunding(API_KEY, "BTCUSDT", "-0.7");
    await monitorOrders({ budgetMs: 5_000 });
    expect(reads()).toBe(asked);
    expect(await testDb.db.select().from(fundingPayments).where(eq(fundingPayments.strategyId, strategyId))).toHaveLength(1);
  });
});
