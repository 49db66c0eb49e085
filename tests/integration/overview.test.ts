import { beforeEach, describe, expect, it } from "vitest";
import Decimal from "decimal.js";
import { and, eq, inArray } from "drizzle-orm";
import { listOrderActivity } from "@/db/queries/activity";
import { listOpenPositions, realizedPnlBetween } from "@/db/queries/overview";
import { insertStrategy } from "@/db/queries/strategies";
import { rateLimitCounters, realizedPnlEntries, sharedCache, signalEvents, strategyPositions } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { lastPrices, utcDay, valuedPositions } from "@/lib/overview";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture, type Trader } from "../helpers/trading";

/**
 * The overview's figures: open positions valued at the exchange's price (through the real ccxt client
 * against the simulator), today's realised P&L from the position's own bookings, and nothing of anyone
 * else's.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, positionRow } = tradingFixture(sim, testDb, "overview");

async function drain(eventIds: string[]) {
  const until = Date.now() + 15_000;
  for (;;) {
    await drainSignals({ budgetMs: 5_000 });
    const left = await testDb.db.select({ id: signalEvents.id }).from(signalEvents).where(and(inArray(signalEvents.id, eventIds), eq(signalEvents.status, "queued")));
    if (left.length === 0 || Date.now() > until) return left.length;
    await new Promise((r) => setTimeout(r, 150));
  }
}

const TODAY = utcDay(new Date());

beforeEach(async () => {
  sim.setPrice("BTCUSDT", "60000");
  sim.setLatency(0);
  await testDb.db.delete(rateLimitCounters);
  // Tickers are shared for a few seconds: each case starts with none kept.
  await testDb.db.delete(sharedCache);
});

describe("open positions", () => {
  it("values what a strategy bought at the exchange's current price, exactly", async () => {
    const me = await makeTrader();
    const other = await makeTrader();
    expect(await drain([await post(me, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "pos-1" })])).toBe(0);
    expect(await drain([await post(other, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "pos-2" })])).toBe(0);

    // 600 USDT at 60000 is 0.01 BTC, less the 0.1 % fee taken in BTC: 0.00999 held for 600 USDT.
    sim.setPrice("BTCUSDT", "63000");
    const { positions, totals, missingPrices } = await valuedPositions({ userId: me.userId });
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({
      strategyId: me.strategyId,
      amount: "0.00999",
      costBasis: "600",
      quote: { price: "63000" },
      currency: "USDT",
      // 0.00999 × 63000 − 600 = 29.37, which is 4.895 % of 600.
      unrealized: "29.37",
      unrealizedPct: "4.895",
    });
    expect(new Decimal(positions[0]!.averageEntry).toDecimalPlaces(6).toFixed()).toBe("60060.06006");
    expect(totals).toEqual([{ quote: "USDT", amount: "29.37" }]);
    expect(missingPrices).toBe(false);

    // A loss shows as one (once the shared ticker has expired).
    sim.setPrice("BTCUSDT", "57000");
    await testDb.db.delete(sharedCache);
    const down = await valuedPositions({ userId: me.userId });
    expect(down.positions[0]).toMatchObject({ unrealized: "-30.57", unrealizedPct: "-5.095" });
  });

  it("shows another user's position to nobody but them, and prices none of their accounts", async () => {
    const me = await makeTrader();
    const other = await makeTrader();
    expect(await drain([await post(other, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "scope-1" })])).toBe(0);
    expect(await listOpenPositions({ userId: me.userId })).toEqual([]);
    expect((await listOpenPositions({ userId: other.userId })).map((p) => p.strategyId)).toEqual([other.strategyId]);
    // Asking for the other user's account by id gives no price: the account is looked up as mine.
    const priceOf = await lastPrices({ userId: me.userId, markets: [{ accountId: other.accountId, symbol: "BTC/USDT" }] });
    expect(priceOf(other.accountId, "BTC/USDT")).toEqual({ price: null, reason: "unavailable" });
    expect((await lastPrices({ userId: other.userId, markets: [{ accountId: other.accountId, symbol: "BTC/USDT" }] }))(other.accountId, "BTC/USDT")).toMatchObject({ price: "60000", minimum: { amountStep: "0.00001" } });
  });

  it("does not wait on a slow exchange: the position shows without a price, and why", async () => {
    const me = await makeTrader();
    expect(await drain([await post(me, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "slow-1" })])).toBe(0);
    sim.setLatency(3_000);
    const started = Date.now();
    const { positions, totals, missingPrices } = await valuedPositions({ userId: me.userId, timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(positions[0]).toMatchObject({ amount: "0.00999", averageEntry: expect.any(String), quote: { price: null, reason: "slow" }, unrealized: null, unrealizedPct: null });
    expect(totals).toEqual([]);
    expect(missingPrices).toBe(true);
    sim.setLatency(0);
  });
});

describe("today's realised P&L", () => {
  it("is what the positions booked today, from the engine's own fills", async () => {
    const me = await makeTrader();
    const other = await makeTrader();
    expect(await drain([await post(me, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "day-1" })])).toBe(0);
    expect(await drain([await post(other, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "day-2" })])).toBe(0);
    // A buy realises nothing.
    expect(await realizedPnlBetween({ userId: me.userId, ...TODAY })).toEqual([]);

    sim.setPrice("BTCUSDT", "62000");
    expect(await drain([await post(me, { action: "close", symbol: "BTC/USDT", price: "62000", id: "day-3" })])).toBe(0);
    sim.setPrice("BTCUSDT", "58000");
    expect(await drain([await post(other, { action: "close", symbol: "BTC/USDT", price: "58000", id: "day-4" })])).toBe(0);

    const mine = (await positionRow(me.strategyId))!;
    const theirs = (await positionRow(other.strategyId))!;
    expect(new Decimal(mine.realizedPnl).gt(0)).toBe(true);
    expect(new Decimal(theirs.realizedPnl).lt(0)).toBe(true);
    // Exactly the position's realised P&L (all of it was booked today), and only mine.
    expect(await realizedPnlBetween({ userId: me.userId, ...TODAY })).toEqual([{ quote: "USDT", amount: new Decimal(mine.realizedPnl).toFixed() }]);
    expect(await realizedPnlBetween({ userId: other.userId, ...TODAY })).toEqual([{ quote: "USDT", amount: new Decimal(theirs.realizedPnl).toFixed() }]);
    // Yesterday and tomorrow have none of it.
    const yesterday = { from: new Date(TODAY.from.getTime() - 86_400_000), to: TODAY.from };
    expect(await realizedPnlBetween({ userId: me.userId, ...yesterday })).toEqual([]);
    expect(await realizedPnlBetween({ userId: me.userId, from: TODAY.to, to: new Date(TODAY.to.getTime() + 86_400_000) })).toEqual([]);
  });

  it("counts what was booked from 00:00:00.000 UTC up to, not including, the next midnight", async () => {
    const me = await makeTrader();
    const eth = await insertStrategy({ userId: me.userId, name: "ETH/USDC", signalId: me.signalId, accountId: me.accountId, symbol: "ETH/USDC", sizingValue: "100" });
    const day = utcDay(new Date(Date.UTC(2031, 4, 17, 15, 30)));
    expect(day.from.toISOString()).toBe("2031-05-17T00:00:00.000Z");
    expect(day.to.toISOString()).toBe("2031-05-18T00:00:00.000Z");
    const at = (iso: string) => new Date(iso);
    await testDb.db.insert(realizedPnlEntries).values([
      { strategyId: me.strategyId, amount: "1000", at: at("2031-05-16T23:59:59.999Z") },
      { strategyId: me.strategyId, amount: "12.5", at: at("2031-05-17T00:00:00.000Z") },
      { strategyId: me.strategyId, amount: "-2.25", at: at("2031-05-17T23:59:59.999Z") },
      { strategyId: eth.id, amount: "0.1", at: at("2031-05-17T08:00:00Z") },
      { strategyId: me.strategyId, amount: "500", at: at("2031-05-18T00:00:00.000Z") },
    ]);
    expect(await realizedPnlBetween({ userId: me.userId, ...day })).toEqual([
      { quote: "USDT", amount: "10.25" },
      { quote: "USDC", amount: "0.1" },
    ]);
    // The day before ends just before midnight.
    expect(await realizedPnlBetween({ userId: me.userId, from: new Date(day.from.getTime() - 86_400_000), to: day.from })).toEqual([{ quote: "USDT", amount: "1000" }]);
  });

  it("is written by every change of a position's realised P&L, and by nothing else", async () => {
    const me = await makeTrader();
    await testDb.db.insert(strategyPositions).values({ strategyId: me.strategyId });
    await testDb.db.update(strategyPositions).set({ amount: "1", costBasis: "100" }).where(eq(strategyPositions.strategyId, me.strategyId));
    await testDb.db.update(strategyPositions).set({ realizedPnl: "7.5" }).where(eq(strategyPositions.strategyId, me.strategyId));
    await testDb.db.update(strategyPositions).set({ realizedPnl: "7.5", wins: 1 }).where(eq(strategyPositions.strategyId, me.strategyId));
    await testDb.db.update(strategyPositions).set({ realizedPnl: "4" }).where(eq(strategyPositions.strategyId, me.strategyId));
    const entries = await testDb.db.select({ amount: realizedPnlEntries.amount }).from(realizedPnlEntries).where(eq(realizedPnlEntries.strategyId, me.strategyId));
    expect(entries.map((e) => e.amount)).toEqual(["7.5", "-3.5"]);
    expect(await realizedPnlBetween({ userId: me.userId, ...TODAY })).toEqual([{ quote: "USDT", amount: "4" }]);
  });
});

describe("latest executions", () => {
  it("are the Orders page's list: my fills and skips with their reason, nobody else's", async () => {
    const me: Trader = await makeTrader();
    const other = await makeTrader();
    expect(await drain([await post(me, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "act-1" })])).toBe(0);
    // Nothing open to cancel: a skip with its reason.
    expect(await drain([await post(me, { action: "cancel", symbol: "BTC/USDT", id: "act-2" })])).toBe(0);
    expect(await drain([await post(other, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "act-3" })])).toBe(0);
    const { rows } = await listOrderActivity({ userId: me.userId, view: "all", pageSize: 6 });
    expect(rows.map((r) => (r.kind === "skip" ? `skip:${r.reason}` : `order:${r.side}:${r.status}`))).toEqual(["skip:nothing_to_cancel", "order:buy:filled"]);
  });
});
