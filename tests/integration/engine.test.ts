import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { orders, signalEvents, signals, strategyExecutions, strategyPositions } from "@/db/schema";
import { createUser } from "@/lib/users";
import { insertStrategy, setSymbolSwitch, setTradingEnabled, updateStrategy } from "@/db/queries/strategies";
import { addExchangeAccount } from "@/lib/accounts";
import { drainSignals, processEvent, monitorOrders } from "@/lib/engine";
import { RetryLater } from "@/lib/engine/execute";
import { resetEnvForTests } from "@/lib/env";
import { deterministicClientOrderId, floorToStep } from "@/lib/exchanges";
import { getQueue, resetQueueForTests } from "@/lib/queue";
import { generateSignalSecret, ingestSignal } from "@/lib/signals";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { isReachable, startUpstashBridge, type UpstashBridge } from "../helpers/upstash-bridge";
import { useTestDatabase } from "../helpers/test-db";


const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const redisUp = await isReachable();
const meta = { ip: null, userAgent: "vitest" };
let secret = "";
let signalId = "";

type Trader = { userId: string; accountId: string; strategyId: string; apiKey: string };
const traders: Trader[] = [];

async function post(body: Record<string, unknown>) {
  const queue = await getQueue();
  return ingestSignal({
    name: "engine-test",
    rawBody: JSON.stringify({ secret, ...body }),
    contentType: "application/json",
    headers: {},
    ip: "127.0.0.1",
    enqueue: async (eventId) => {
      await queue.enqueue("signals", { eventId });
    },
  });
}

async function ordersOf(strategyId: string) {
  return testDb.db.select().from(orders).where(eq(orders.strategyId, strategyId));
}

async function executionsOf(strategyId: string) {
  return testDb.db.select().from(strategyExecutions).where(eq(strategyExecutions.strategyId, strategyId));
}

const simOrders = (apiKey: string) => sim.account(apiKey).orders;

beforeAll(async () => {
  const url = await sim.start();
  Object.assign(process.env, {
    AUTH_SECRET: "engine-auth-secret-0123456789abcdefghij",
    ENCRYPTION_KEY: "engine-master-key-0123456789abcdefghijk",
    EXCHANGE_API_OVERRIDE: url,
    EXCHANGE_TIMEOUT_MS: "800",
  });
  resetEnvForTests();
  const generated = generateSignalSecret();
  secret = generated.secret;
  const [signal] = await testDb.db
    .insert(signals)
    .values({ name: "engine-test", secretHash: generated.hash, secretHint: generated.hint })
    .returning();
  signalId = signal!.id;
  for (const name of ["ann", "ben", "cat"]) traders.push(await makeTrader(name));
});

/** A user with a simulator account and one BTC strategy on the test signal. */
async function makeTrader(name: string): Promise<Trader> {
  const apiKey = `key-${name}-0000`;
  sim.addAccount({ apiKey, secret: `secret-${name}-0000`, balances: { USDT: "50000" } });
  const user = await createUser({ name, email: `${name}@example.com`, passwordHash: "$argon2id$fake", autoApprove: true });
  const { account } = await addExchangeAccount(
    user.id,
    { exchange: "binance", label: name, spot: true, futures: false, sandbox: false, apiKey, apiSecret: `secret-${name}-0000` },
    meta,
  );
  const strategy = await insertStrategy({
    userId: user.id,
    name: `${name} BTC`,
    signalId,
    accountId: account.id,
    symbol: "BTC/USDT",
    sizingMode: "quote",
    sizingValue: "600",
  });
  return { userId: user.id, accountId: account.id, strategyId: strategy.id, apiKey };
}

afterAll(() => sim.stop());

beforeEach(() => {
  sim.setPrice("BTCUSDT", "60000");
});

for (const driver of ["postgres", "upstash"] as const) {
  describe.skipIf(driver === "upstash" && !redisUp && !process.env.CI)(`the money path on the ${driver} queue`, () => {
    let bridge: UpstashBridge | undefined;

    beforeAll(async () => {
      if (driver === "upstash") {
        bridge = await startUpstashBridge({ db: 7 });
        await bridge.flush();
        process.env.UPSTASH_REDIS_REST_URL = bridge.url;
        process.env.UPSTASH_REDIS_REST_TOKEN = bridge.token;
      }
      resetQueueForTests();
      (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
    });

    afterAll(async () => {
      delete process.env.UPSTASH_REDIS_REST_URL;
      delete process.env.UPSTASH_REDIS_REST_TOKEN;
      resetQueueForTests();
      (globalThis as { __sbRateLimiter?: unknown }).__sbRateLimiter = undefined;
      await bridge?.flush();
      await bridge?.stop();
    });

    it("one signal delivered five times gives exactly one order per strategy", async () => {
      expect((await getQueue()).driver).toBe(driver);
      const before = traders.map((t) => simOrders(t.apiKey).length);
      const answers = await Promise.all(Array.from({ length: 5 }, () => post({ action: "buy", symbol: "BINANCE:BTCUSDT", price: "60000", id: `buy-once-${driver}` })));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
      expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(4);
      await Promise.all([drainSignals({ budgetMs: 15_000 }), drainSignals({ budgetMs: 15_000 })]);
      await drainSignals({ budgetMs: 5_000 });
      traders.forEach((t, i) => expect(simOrders(t.apiKey).length).toBe(before[i]! + 1));
      const eventId = String(answers[0]!.body.eventId);
      for (const t of traders) {
        const rows = (await ordersOf(t.strategyId)).filter((o) => o.eventId === eventId);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ status: "filled", amount: "0.01", leg: "buy", clientOrderId: deterministicClientOrderId(eventId, t.strategyId, "buy") });
      }
    });

    describe("execution guarantees", () => {
  it("an accepted order whose answer is lost is reconciled, not sent again", async () => {
    const t = traders[0]!;
    const before = simOrders(t.apiKey).length;
    sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 });
    const answer = await post({ action: "buy", symbol: "BTC/USDT", id: `lost-answer-${driver}` });
    await drainSignals({ budgetMs: 15_000 });
    await monitorOrders({ budgetMs: 5_000 });
    expect(simOrders(t.apiKey).length).toBe(before + 1);
    const rows = (await ordersOf(t.strategyId)).filter((o) => o.eventId === answer.body.eventId);
    expect(rows.map((r) => r.status)).toEqual(["filled"]);
    // Whichever order lost its answer, its fee (taken in BTC) was booked: positions match the exchange.
    for (const trader of traders) {
      const [position] = await testDb.db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, trader.strategyId));
      const btc = sim.account(trader.apiKey).balances.get("BTC")!;
      expect(position!.amount).toBe(btc.free.add(btc.locked).toFixed());
    }
  });

  it("a drain that died after writing the intent is finished by the next drain, exactly once", async () => {
    const t = traders[1]!;
    const answer = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `crash-before-send-${driver}` });
    const eventId = String(answer.body.eventId);
    // What the dead drain left: our order row, no exchange order, the event still queued.
    await testDb.db.insert(orders).values({
      userId: t.userId,
      accountId: t.accountId,
      source: "signal",
      strategyId: t.strategyId,
      eventId,
      leg: "buy",
      clientOrderId: deterministicClientOrderId(eventId, t.strategyId, "buy"),
      symbol: "BTC/USDT",
      side: "buy",
      type: "market",
      amount: "0.01",
      status: "sending",
      // Written by a drain that died over a minute ago (a live one would still be sending it).
      updatedAt: new Date(Date.now() - 5 * 60_000),
    });
    const before = simOrders(t.apiKey).length;
    await drainSignals({ budgetMs: 15_000 });
    await drainSignals({ budgetMs: 5_000 });
    expect(simOrders(t.apiKey).length).toBe(before + 1);
    expect(simOrders(t.apiKey).at(-1)!.clientOrderId).toBe(deterministicClientOrderId(eventId, t.strategyId, "buy"));
    // And a drain that died after sending: the order is found on the exchange, never sent twice.
    await testDb.db
      .update(orders)
      .set({ status: "sending", updatedAt: new Date(Date.now() - 5 * 60_000) })
      .where(and(eq(orders.strategyId, t.strategyId), eq(orders.eventId, eventId)));
    await testDb.db.delete(strategyExecutions).where(eq(strategyExecutions.eventId, eventId));
    await testDb.db.update(signalEvents).set({ status: "queued" }).where(eq(signalEvents.id, eventId));
    expect(await processEvent(eventId, "second-drain")).toBe("done");
    expect(simOrders(t.apiKey).length).toBe(before + 1);
  });

  it("a close never overtakes the buy before it, and sells what is actually held", async () => {
    const t = traders[2]!;
    const buy = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `order-buy-${driver}` });
    const close = await post({ action: "close", symbol: "BTC/USDT", price: "61000", id: `order-close-${driver}` });
    // The close's job is claimed first; it must wait for the buy.
    expect(await processEvent(String(close.body.eventId), "drain-a")).toBe("wait");
    const positionOf = async () =>
      (await testDb.db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, t.strategyId)))[0]?.amount ?? "0";
    const before = await positionOf();
    expect(await processEvent(String(buy.body.eventId), "drain-a")).toBe("done");
    const held = await positionOf();
    // Binance took its 0.1 % fee in BTC: 0.01 bought, 0.00999 held.
    expect(Number(held) - Number(before)).toBeCloseTo(0.00999, 8);
    await drainSignals({ budgetMs: 15_000 });
    const rows = (await ordersOf(t.strategyId)).filter((o) => o.eventId === buy.body.eventId || o.eventId === close.body.eventId);
    expect(rows.map((r) => `${r.leg}:${r.status}`).sort()).toEqual(["buy:filled", "close:filled"]);
    const sold = rows.find((r) => r.leg === "close")!;
    expect(sold.amount).toBe(floorToStep(held, "0.00001"));
    // Everything sellable is sold; what is left is dust below the market's amount step.
    expect(Number(await positionOf())).toBeLessThan(0.00001 + 1e-12);
  });

  it("a burst on one signal runs in one drain pass, in order: the next event does not wait for its own job to come round", async () => {
    const t = traders[2]!;
    const ids: string[] = [String((await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `burst-0-${driver}` })).body.eventId)];
    // The later events' jobs are not due for a minute (as when another drain found them behind the first
    // and put them back): the drain that finishes the first runs them anyway.
    for (const [i, action] of (["sell", "buy", "close"] as const).entries()) {
      const answer = await ingestSignal({
        name: "engine-test",
        rawBody: JSON.stringify({ secret, action, symbol: "BTC/USDT", price: "60000", id: `burst-${i + 1}-${driver}` }),
        contentType: "application/json",
        headers: {},
        ip: "127.0.0.1",
        enqueue: async (eventId) => {
          await (await getQueue()).enqueue("signals", { eventId }, { delayMs: 60_000 });
        },
      });
      ids.push(String(answer.body.eventId));
    }
    // Their jobs are a minute away, so only the drain that finished the first can run them; a loaded
    // machine may spend one pass's budget before the fourth, so a few passes are allowed.
    let events = [] as (typeof signalEvents.$inferSelect)[];
    for (let pass = 0; pass < 4; pass++) {
      await drainSignals({ budgetMs: 5_000 });
      events = await testDb.db.select().from(signalEvents).where(eq(signalEvents.signalId, signalId));
      if (ids.every((id) => events.find((e) => e.id === id)?.status === "done")) break;
    }
    const burst = ids.map((id) => events.find((e) => e.id === id)!);
    expect(burst.map((e) => e.status)).toEqual(["done", "done", "done", "done"]);
    // In arrival order: each processed no earlier than the one before it.
    for (let i = 1; i < burst.length; i++) expect(burst[i]!.processedAt!.getTime()).toBeGreaterThanOrEqual(burst[i - 1]!.processedAt!.getTime());
    const legs = (await ordersOf(t.strategyId)).filter((o) => ids.includes(o.eventId ?? "")).sort((a, b) => ids.indexOf(a.eventId!) - ids.indexOf(b.eventId!));
    expect(legs.map((o) => `${o.leg}:${o.status}`)).toEqual(["buy:filled", "sell:filled", "buy:filled", "close:filled"]);
  });

  it("a row another drain is still sending is left alone; one proven never placed is sent again under its client id, until the signal expires", async () => {
    const t = traders[0]!;
    const answer = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `live-row-${driver}` });
    const eventId = String(answer.body.eventId);
    const row = {
      userId: t.userId, accountId: t.accountId, source: "signal" as const, strategyId: t.strategyId, eventId, leg: "buy" as const,
      clientOrderId: deterministicClientOrderId(eventId, t.strategyId, "buy"), symbol: "BTC/USDT", side: "buy" as const, type: "market" as const, amount: "0.01",
    };
    await testDb.db.insert(orders).values({ ...row, status: "sending" });
    const before = simOrders(t.apiKey).length;
    await expect(processEvent(eventId, "drain-b")).rejects.toThrow(RetryLater);
    expect(simOrders(t.apiKey).length).toBe(before);
    // The answer was lost long enough ago, and the exchange has no such order: it was never placed, so it
    // is sent again, under the same client order id, once.
    await testDb.db.update(orders).set({ status: "unknown", updatedAt: new Date(Date.now() - 5 * 60_000) }).where(eq(orders.clientOrderId, row.clientOrderId));
    await drainSignals({ budgetMs: 10_000 });
    await drainSignals({ budgetMs: 5_000 });
    await monitorOrders({ budgetMs: 5_000 });
    expect(simOrders(t.apiKey).length).toBe(before + 1);
    expect(simOrders(t.apiKey).at(-1)!.clientOrderId).toBe(row.clientOrderId);
    expect((await executionsOf(t.strategyId)).find((e) => e.eventId === eventId)?.outcome).toBe("sent");
    const [placed] = await testDb.db.select().from(orders).where(eq(orders.clientOrderId, row.clientOrderId));
    expect(placed).toMatchObject({ status: "filled", filled: "0.01" });

    // A signal past its max lag: a lost order the exchange never saw ends as expired, never sent.
    const late = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `late-row-${driver}` });
    const lateId = String(late.body.eventId);
    await testDb.db.update(signalEvents).set({ receivedAt: new Date(Date.now() - 10 * 60_000) }).where(eq(signalEvents.id, lateId));
    const lateClientId = deterministicClientOrderId(lateId, t.strategyId, "buy");
    await testDb.db.insert(orders).values({
      ...row, eventId: lateId, clientOrderId: lateClientId, status: "unknown", sendBy: new Date(Date.now() - 5 * 60_000), updatedAt: new Date(Date.now() - 5 * 60_000),
    });
    await drainSignals({ budgetMs: 10_000 });
    await monitorOrders({ budgetMs: 5_000 });
    expect(simOrders(t.apiKey).length).toBe(before + 1);
    const [expired] = await testDb.db.select().from(orders).where(eq(orders.clientOrderId, lateClientId));
    expect(expired).toMatchObject({ status: "expired", error: { code: "not_placed" } });
    expect((await executionsOf(t.strategyId)).find((e) => e.eventId === lateId)).toMatchObject({ outcome: "skipped", reason: "expired" });
  });

  it("an event waiting behind a busy signal is not given up on", async () => {
    const answer = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `waiting-${driver}` });
    await testDb.db.update(signals).set({ drainToken: "someone-else", drainLeaseUntil: new Date(Date.now() + 60_000) }).where(eq(signals.id, signalId));
    for (let i = 0; i < 12; i++) await drainSignals({ budgetMs: 300 });
    const [waiting] = await testDb.db.select().from(signalEvents).where(eq(signalEvents.id, String(answer.body.eventId)));
    expect(waiting!.status).toBe("queued");
    await testDb.db.update(signals).set({ drainToken: null, drainLeaseUntil: null }).where(eq(signals.id, signalId));
    await new Promise((r) => setTimeout(r, 600));
    await drainSignals({ budgetMs: 10_000 });
    const [done] = await testDb.db.select().from(signalEvents).where(eq(signalEvents.id, String(answer.body.eventId)));
    expect(done!.status).toBe("done");
  });

  it("each kill switch stops the very next event", async () => {
    const [a, b, c] = traders as [Trader, Trader, Trader];
    await setTradingEnabled(a.userId, false);
    await setSymbolSwitch(b.userId, "BTC/USDT", false);
    await updateStrategy(c.userId, c.strategyId, { enabled: false });
    const counts = traders.map((t) => simOrders(t.apiKey).length);
    const answer = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `switched-off-${driver}` });
    await drainSignals({ budgetMs: 15_000 });
    traders.forEach((t, i) => expect(simOrders(t.apiKey).length).toBe(counts[i]));
    const reasons = await Promise.all(
      traders.map(async (t) => (await executionsOf(t.strategyId)).find((e) => e.eventId === answer.body.eventId)?.reason),
    );
    // Each switch turned off without a choice pauses entries (exits and protection go on).
    expect(reasons).toEqual(["trading_paused", "symbol_paused", "strategy_paused"]);
    await setTradingEnabled(a.userId, true);
    await setSymbolSwitch(b.userId, "BTC/USDT", true);
    await updateStrategy(c.userId, c.strategyId, { enabled: true });
  });

  it("records why an intent could not be sent", async () => {
    const [a, b, c] = traders as [Trader, Trader, Trader];
    const reasonFor = async (t: Trader, eventId: unknown) => (await executionsOf(t.strategyId)).find((e) => e.eventId === eventId)?.reason;

    await updateStrategy(a.userId, a.strategyId, { sizingValue: "1" });
    await updateStrategy(b.userId, b.strategyId, { sizingValue: "999999" });
    await updateStrategy(c.userId, c.strategyId, { followBuy: false });
    const dust = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `skips-1-${driver}` });
    await drainSignals({ budgetMs: 15_000 });
    expect(await reasonFor(a, dust.body.eventId)).toBe("below_minimum");
    // A fixed-size entry reads no balance: the venue refuses what the account cannot pay, and says so.
    expect(await reasonFor(b, dust.body.eventId)).toBe("insufficient_funds");
    expect(await reasonFor(c, dust.body.eventId)).toBe("action_not_followed");

    await updateStrategy(a.userId, a.strategyId, { sizingValue: "600", maxOpenOrders: 1, orderType: "limit", limitOffsetPct: "10" });
    await updateStrategy(b.userId, b.strategyId, { sizingValue: "600", maxPosition: "0.001" });
    await updateStrategy(c.userId, c.strategyId, { followBuy: true });
    const first = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `skips-2-${driver}` });
    const second = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `skips-3-${driver}` });
    await drainSignals({ budgetMs: 15_000 });
    expect((await executionsOf(a.strategyId)).find((e) => e.eventId === first.body.eventId)?.outcome).toBe("sent");
    expect(await reasonFor(a, second.body.eventId)).toBe("max_open_orders");
    expect(await reasonFor(b, first.body.eventId)).toBe("max_position");

    const cancel = await post({ action: "cancel", symbol: "BTC/USDT", id: `skips-4-${driver}` });
    await drainSignals({ budgetMs: 15_000 });
    expect((await executionsOf(a.strategyId)).find((e) => e.eventId === cancel.body.eventId)?.outcome).toBe("sent");
    expect(await reasonFor(b, cancel.body.eventId)).toBe("nothing_to_cancel");
    expect((await ordersOf(a.strategyId)).filter((o) => o.status === "open")).toHaveLength(0);

    await updateStrategy(a.userId, a.strategyId, { maxOpenOrders: null, orderType: "market", limitOffsetPct: "0" });
    await updateStrategy(b.userId, b.strategyId, { maxPosition: null });
  });

  it("protects the position with a take-profit and a stop-loss, and cancels the other when one fills", async () => {
    // A trader of its own, so the position is exactly what this test bought.
    const t = await makeTrader(`dan-${driver}`);
    await updateStrategy(t.userId, t.strategyId, { takeProfitPct: "5", stopLossPct: "5" });
    const protective = async () =>
      Object.fromEntries(
        (await ordersOf(t.strategyId))
          .filter((o) => o.source === "protective")
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
          .map((o) => [o.leg, o]),
      );
    const entry = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `tp-sl-1-${driver}` });
    await drainSignals({ budgetMs: 15_000 });
    expect((await ordersOf(t.strategyId)).find((o) => o.eventId === entry.body.eventId)?.status).toBe("filled");
    let placed = await protective();
    // Measured from the break-even price: 600 USDT paid for the 0.00999 BTC held after the fee in BTC.
    // One OCO on the exchange: the take-profit above, the exchange's own stop-loss-limit below.
    expect(placed.tp).toMatchObject({ status: "open", type: "limit", price: "63063.07", amount: "0.00999" });
    expect(placed.sl).toMatchObject({ status: "open", type: "stop_limit", triggerPrice: "57057.06", price: "56771.77", amount: "0.00999" });
    expect(placed.sl!.listClientOrderId).toBe(placed.tp!.listClientOrderId);
    expect(sim.account(t.apiKey).orderLists.map((l) => l.listClientOrderId)).toContain(placed.tp!.listClientOrderId);

    // The take-profit fills on the exchange, which ends the stop with it.
    sim.setPrice("BTCUSDT", "63500");
    await monitorOrders({ budgetMs: 10_000 });
    placed = await protective();
    expect(placed.tp?.status).toBe("filled");
    expect(placed.sl?.status).toBe("expired");

    const second = await post({ action: "buy", symbol: "BTC/USDT", price: "60000", id: `tp-sl-2-${driver}` });
    sim.setPrice("BTCUSDT", "60000");
    await drainSignals({ budgetMs: 15_000 });
    expect((await ordersOf(t.strategyId)).find((o) => o.eventId === second.body.eventId)?.status).toBe("filled");
    sim.setPrice("BTCUSDT", "56000");
    await monitorOrders({ budgetMs: 10_000 });
    placed = await protective();
    // The price fell through the native stop's limit: the pair is canceled and our stop sells at market.
    expect(placed.sl, JSON.stringify(placed.sl)).toMatchObject({ status: "filled", type: "market" });
    expect(placed.tp?.status).toBe("expired");
    await updateStrategy(t.userId, t.strategyId, { enabled: false });
  });
});
  });
}
