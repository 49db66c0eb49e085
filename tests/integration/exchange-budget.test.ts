import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exchangeAccounts, rateLimitCounters, sharedCache, signalEvents, strategyExecutions, venueBans } from "@/db/schema";
import { insertStrategy } from "@/db/queries/strategies";
import { listActiveVenueBans } from "@/db/queries/venue-bans";
import { drainSignals } from "@/lib/engine";
import { clientForAccount, ExchangeError } from "@/lib/exchanges";
import { budgetKey, dropBudgetReserves, reserveTiming, venueBudgets, venueMeter } from "@/lib/exchanges/budget";
import { quoteCacheTiming } from "@/lib/exchanges/shared-quotes";
import { getRateLimiter, type RateLimiter } from "@/lib/ratelimit";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture, type Trader } from "../helpers/trading";

/**
 * Every exchange call spends Binance's request weight from one budget per venue and outbound address,
 * through `clientForAccount` (the engine's only way to a venue), against the simulator's weight limit.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const fx = tradingFixture(sim, testDb, "budget");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const savedBudget = { ...venueBudgets.binance };
const savedTiming = { ...quoteCacheTiming };
/** When each request reached the simulator. */
let arrivals: { path: string; at: number }[] = [];

beforeAll(() => {
  const push = sim.requests.push.bind(sim.requests);
  sim.requests.push = (...items) => {
    for (const r of items) arrivals.push({ path: r.path, at: Date.now() });
    return push(...items);
  };
});

afterAll(() => {
  Object.assign(venueBudgets.binance, savedBudget);
  Object.assign(quoteCacheTiming, savedTiming);
});

beforeEach(async () => {
  await testDb.db.delete(rateLimitCounters);
  await testDb.db.delete(sharedCache);
  await testDb.db.delete(venueBans);
  sim.clearFaults();
  sim.setWeightLimit(6000, { windowMs: 60_000, banAfter: 5 });
  sim.advanceClock(120_000);
  sim.limitedAnswers.length = 0;
  arrivals = [];
});

afterEach(() => {
  Object.assign(venueBudgets.binance, savedBudget);
  Object.assign(quoteCacheTiming, savedTiming);
});

async function accountRow(t: Trader) {
  const [row] = await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.id, t.accountId));
  return row!;
}

async function clientOf(t: Trader) {
  return clientForAccount(await accountRow(t));
}

const requestsTo = (path: string) => arrivals.filter((a) => a.path === path).length;

describe("signals fanned out to 200 strategies on one venue at once", () => {
  it(
    "never draws a 429: the budget (kept under the venue's weight limit) holds the excess back, and every order is sent",
    async () => {
      // 4 signals, each followed by 50 strategies on 5 accounts (10 each), all posted at once. Each strategy
      // (sized in percent, so) reads a balance (weight 20) and sends an order (1): about 4,200 weight, where the venue allows 400 a
      // second (which the drains, unbudgeted, go past). The budget gets under half of that: the venue counts
      // a rolling second, the budget fixed ones, so two of ours fit in one of its.
      const groups: { signal: Awaited<ReturnType<typeof fx.makeSignal>>; traders: Trader[] }[] = [];
      for (let g = 0; g < 4; g++) {
        const signal = await fx.makeSignal(`budget-fanout-${g}`);
        const traders: Trader[] = [];
        for (let i = 0; i < 5; i++) traders.push(await fx.makeTrader({ sizingMode: "percent", sizingValue: "0.02" }, { USDT: "100000" }, signal));
        for (const t of traders) {
          for (let k = 1; k < 10; k++) {
            await insertStrategy({ userId: t.userId, name: `fan ${k}`, signalId: signal.signalId, accountId: t.accountId, symbol: "BTC/USDT", sizingMode: "percent", sizingValue: "0.02" });
          }
        }
        groups.push({ signal, traders });
      }
      const traders = groups.flatMap((g) => g.traders);
      await testDb.db.delete(rateLimitCounters);
      sim.advanceClock(120_000);
      sim.setWeightLimit(400, { windowMs: 1_000, banAfter: 1_000 });
      Object.assign(venueBudgets.binance, { limit: 190, windowMs: 1_000 });
      arrivals = [];
      sim.limitedAnswers.length = 0;

      const eventIds = await Promise.all(groups.map((g) => fx.post(g.traders[0]!, { action: "buy", symbol: "BTC/USDT", price: "60000" })));
      const until = Date.now() + 90_000;
      for (;;) {
        await Promise.all(Array.from({ length: 4 }, () => drainSignals({ budgetMs: 5_000 })));
        const [queued] = await testDb.db
          .select({ n: sql<number>`count(*)::int` })
          .from(signalEvents)
          .where(and(inArray(signalEvents.id, eventIds), eq(signalEvents.status, "queued")));
        if (Number(queued?.n ?? 0) === 0 || Date.now() > until) break;
        await sleep(200);
      }

      expect(sim.limitedAnswers).toEqual([]);
      const executions = await testDb.db.select().from(strategyExecutions).where(inArray(strategyExecutions.eventId, eventIds));
      expect(executions).toHaveLength(200);
      expect(executions.filter((e) => e.outcome !== "sent").map((e) => `${e.outcome}:${e.reason}`)).toEqual([]);
      const placed = traders.flatMap((t) => sim.account(t.apiKey).orders);
      expect(placed).toHaveLength(200);
      // One market list for the venue, and tickers shared for a few seconds, not one each.
      expect(requestsTo("/api/v3/exchangeInfo")).toBeLessThanOrEqual(1);
      expect(requestsTo("/api/v3/ticker/24hr")).toBeLessThan(20);
      // Each account read its balance once per signal, shared by its strategies (a call refused by the
      // budget before sending is tried again later), not once per strategy.
      expect(requestsTo("/api/v3/account")).toBeGreaterThanOrEqual(20);
      expect(requestsTo("/api/v3/account")).toBeLessThan(100);
    },
    120_000,
  );

  it("a burst of balance reads without the budget draws 429s from the venue; with it, none", async () => {
    const traders: Trader[] = [];
    for (let i = 0; i < 5; i++) traders.push(await fx.makeTrader());
    await testDb.db.delete(rateLimitCounters);
    sim.advanceClock(120_000);
    sim.setWeightLimit(1_500, { windowMs: 1_000, banAfter: 1_000 });
    const clients = await Promise.all(traders.map(clientOf));
    const burst = () => Promise.allSettled(Array.from({ length: 100 }, (_, i) => clients[i % clients.length]!.balance()));

    Object.assign(venueBudgets.binance, { limit: 1_000_000, windowMs: 1_000 });
    await burst();
    expect(sim.limitedAnswers.length).toBeGreaterThan(0);

    await testDb.db.delete(rateLimitCounters);
    sim.advanceClock(120_000);
    sim.limitedAnswers.length = 0;
    Object.assign(venueBudgets.binance, { limit: 700, windowMs: 1_000 });
    const results = await burst();
    expect(sim.limitedAnswers).toEqual([]);
    for (const r of results) {
      if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "rate_limited" });
    }
  }, 60_000);
});

describe("a ban (418) stops every account on the venue until it ends", () => {
  it("a short ban: the other accounts wait it out without a request, then go on", async () => {
    const [a, b, c] = [await fx.makeTrader(), await fx.makeTrader(), await fx.makeTrader()];
    const [ca, cb, cc] = await Promise.all([clientOf(a), clientOf(b), clientOf(c)]);
    sim.injectFault({ kind: "status", status: 418, retryAfter: 2, path: "/api/v3/account", apiKey: a.apiKey });
    arrivals = [];

    const refused = await ca.balance().catch((e: unknown) => e);
    const bannedAt = Date.now();
    expect(refused).toBeInstanceOf(ExchangeError);
    expect(refused).toMatchObject({ code: "rate_limited", retryAfterSeconds: 2 });
    const [ban] = await listActiveVenueBans();
    expect(ban).toMatchObject({ venue: "binance", egress: "default", status: 418 });
    expect(ban!.until.getTime() - ban!.since.getTime()).toBeGreaterThan(1_500);
    expect(ban!.until.getTime() - ban!.since.getTime()).toBeLessThanOrEqual(2_500);

    const [lineB, orders] = await Promise.all([cb.balance(), cc.openOrders("BTC/USDT")]);
    expect(lineB.find((l) => l.asset === "USDT")).toBeTruthy();
    expect(orders).toEqual([]);
    const after = arrivals.filter((r) => r.at > bannedAt);
    expect(after.length).toBeGreaterThan(0);
    // Nothing reached the venue while the ban lasted.
    for (const r of after) expect(r.at - bannedAt).toBeGreaterThanOrEqual(1_800);
    // The ban's record ends when it does (written a statement after the block itself, so a call may go
    // on a few milliseconds before the admin's list drops it): from then on it is listed no more.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ban!.until.getTime() - Date.now()) + 20));
    expect(await listActiveVenueBans()).toEqual([]);
  }, 30_000);

  it("a long ban: every account's call is refused at once, without a request, saying when to come back", async () => {
    const [a, b] = [await fx.makeTrader(), await fx.makeTrader()];
    const [ca, cb] = await Promise.all([clientOf(a), clientOf(b)]);
    sim.injectFault({ kind: "status", status: 418, retryAfter: 120, path: "/api/v3/account", apiKey: a.apiKey });
    await expect(ca.balance()).rejects.toMatchObject({ code: "rate_limited", retryAfterSeconds: 120 });
    arrivals = [];
    const started = Date.now();
    await expect(cb.balance()).rejects.toMatchObject({ code: "rate_limited" });
    await expect(cb.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.001", clientOrderId: "banned-1" })).rejects.toMatchObject({
      code: "rate_limited",
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(arrivals).toEqual([]);
    const bans = await listActiveVenueBans();
    expect(bans).toHaveLength(1);
    expect(bans[0]!.until.getTime()).toBeGreaterThan(Date.now() + 100_000);
  }, 30_000);
});

describe("weight taken ahead of need", () => {
  it("a busy process pays for a block of requests with one store write; the shared counter never shows less than was spent", async () => {
    await testDb.db.delete(rateLimitCounters);
    dropBudgetReserves();
    const real = await getRateLimiter();
    let writes = 0;
    const holder = globalThis as { __sbRateLimiter?: Promise<RateLimiter> };
    holder.__sbRateLimiter = Promise.resolve({ ...real, hit: (key, opts) => ((writes += 1), real.hit(key, opts)) });
    try {
      const meter = venueMeter("binance");
      const budget = venueBudgets.binance;
      const block = Math.floor(budget.limit * reserveTiming.share);
      const used = async () => budget.limit - (await real.hit(budgetKey("binance"), { limit: budget.limit, windowMs: budget.windowMs, cost: 0 })).remaining;
      for (let i = 1; i <= 100; i++) {
        await meter.spend(1);
        const counted = await used();
        expect(counted).toBeGreaterThanOrEqual(i);
        expect(counted).toBeLessThanOrEqual(i + block);
      }
      // One write per block of `block + 1` requests, not one per request.
      expect(writes).toBeLessThanOrEqual(Math.ceil(100 / (block + 1)) + 1);
      // A burst of requests at once shares the refills (one at a time): the counter never runs ahead by
      // more than one block, and far fewer writes than requests.
      await testDb.db.delete(rateLimitCounters);
      dropBudgetReserves();
      writes = 0;
      await Promise.all(Array.from({ length: 100 }, () => meter.spend(1)));
      expect(await used()).toBeGreaterThanOrEqual(100);
      expect(await used()).toBeLessThanOrEqual(100 + block);
      expect(writes).toBeLessThan(20);
      // A 429 drops the block: the next request asks the store again.
      const before = writes;
      await meter.observe({ status: 429, headers: { "retry-after": "1" } });
      await meter.spend(1).catch(() => undefined);
      expect(writes).toBeGreaterThan(before);
    } finally {
      holder.__sbRateLimiter = undefined;
      dropBudgetReserves();
      await testDb.db.delete(rateLimitCounters);
    }
  });
});

describe("the venue's weight header corrects the budget", () => {
  it("weight spent by someone else on the same address (x-mbx-used-weight-1m) is counted after the next answer", async () => {
    const t = await fx.makeTrader();
    const client = await clientOf(t);
    await client.balance();
    const limiter = await getRateLimiter();
    const budget = venueBudgets.binance;
    const left = async () => (await limiter.hit(budgetKey("binance"), { limit: budget.limit, windowMs: budget.windowMs, cost: 0 })).remaining;
    const before = await left();
    // Another program behind the same address spends 1,000 weight (50 exchangeInfo at 20) that we never see.
    for (let i = 0; i < 50; i++) await fetch(`${sim.url}/api/v3/exchangeInfo`);
    expect(await left()).toBe(before);
    await client.balance();
    expect(sim.usedWeight()).toBeGreaterThanOrEqual(1_040);
    // What the venue says was spent, or more: weight this process took ahead of need counts as spent.
    expect(await left()).toBeLessThanOrEqual(budget.limit - sim.usedWeight());
    expect(await left()).toBeGreaterThanOrEqual(budget.limit - sim.usedWeight() - Math.floor(budget.limit * reserveTiming.share));
  });
});

describe("tickers and market lists are shared for a few seconds", () => {
  it("N strategies asking one symbol's ticker at once, on N accounts, cost one request; after the TTL, one more", async () => {
    const traders = [await fx.makeTrader(), await fx.makeTrader(), await fx.makeTrader()];
    const clients = await Promise.all(traders.map(clientOf));
    quoteCacheTiming.tickerMs = 1_500;
    arrivals = [];
    const prices = await Promise.all(Array.from({ length: 30 }, (_, i) => clients[i % 3]!.ticker("ETH/USDT")));
    expect(new Set(prices.map((p) => p.last))).toEqual(new Set(["3000"]));
    expect(requestsTo("/api/v3/ticker/24hr")).toBe(1);
    // Later asks within the TTL read the shared store (the database here), not the venue.
    await clients[1]!.ticker("ETH/USDT");
    const stored = await testDb.db.select({ key: sharedCache.key }).from(sharedCache);
    expect(stored.map((r) => r.key)).toEqual(expect.arrayContaining([expect.stringMatching(/^ticker:binance:spot:.*:ETH\/USDT$/)]));
    expect(requestsTo("/api/v3/ticker/24hr")).toBe(1);
    await sleep(1_600);
    await clients[2]!.ticker("ETH/USDT");
    expect(requestsTo("/api/v3/ticker/24hr")).toBe(2);
  });

  it("the market list is read once for every account of the venue", async () => {
    const traders = [await fx.makeTrader(), await fx.makeTrader()];
    const clients = await Promise.all(traders.map(clientOf));
    arrivals = [];
    const lists = await Promise.all(clients.flatMap((c) => [c.markets(), c.markets()]));
    expect(lists.every((l) => l.some((m) => m.symbol === "BTC/USDT"))).toBe(true);
    expect(requestsTo("/api/v3/exchangeInfo")).toBeLessThanOrEqual(1);
  });
});
