import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import Decimal from "decimal.js";
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import { fills, orders, rateLimitCounters, signalEvents } from "@/db/schema";
import { listFills } from "@/db/queries/fills";
import { placeManualOrder } from "@/lib/accounts/manual-orders";
import { drainSignals, monitorOrders } from "@/lib/engine";
import { lifecycleTiming } from "@/lib/engine/lifecycle";
import { applyFill } from "@/lib/engine/positions";
import { fifoFigures } from "@/lib/statistics";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * The fill ledger through the engine (ccxt's real binance class against the simulator): one row per
 * booked increment of every order, strategy, protective and manual alike, never two for the same one;
 * its FIFO P&L is what the strategy's position booked.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, legOf, positionRow, heldBy } = tradingFixture(sim, testDb, "ledger");

async function drainUntilDone(eventIds: string[], limitMs = 15_000) {
  const until = Date.now() + limitMs;
  for (;;) {
    await drainSignals({ budgetMs: 5_000 });
    const left = await testDb.db.select({ id: signalEvents.id }).from(signalEvents).where(and(inArray(signalEvents.id, eventIds), eq(signalEvents.status, "queued")));
    if (left.length === 0 || Date.now() > until) return left.length;
    await new Promise((r) => setTimeout(r, 150));
  }
}

const ledgerOf = (orderId: string) => testDb.db.select().from(fills).where(eq(fills.orderId, orderId)).orderBy(asc(fills.id));
const fixed = (value: string) => new Decimal(value).toFixed();

/** Every order of the user with a fill has ledger rows adding up to exactly what was filled and booked. */
async function expectLedgerCoversOrders(userId: string) {
  const filled = await testDb.db.select().from(orders).where(and(eq(orders.userId, userId), gt(orders.filled, "0")));
  expect(filled.length).toBeGreaterThan(0);
  for (const order of filled) {
    const rows = await ledgerOf(order.id);
    const sum = rows.reduce((s, r) => s.add(r.amount), new Decimal(0));
    expect({ id: order.id, leg: order.leg, sum: sum.toFixed() }).toEqual({ id: order.id, leg: order.leg, sum: fixed(order.filled) });
    expect(fixed(order.appliedFilled)).toBe(fixed(order.filled));
  }
}

beforeAll(() => {
  lifecycleTiming.lookupGraceMs = 200;
});

beforeEach(async () => {
  sim.setPrice("BTCUSDT", "60000");
  sim.setPrice("ETHUSDT", "3000");
  await testDb.db.delete(rateLimitCounters);
});

describe("the fill ledger", () => {
  it("writes one row per increment of a partial then full fill, however often the monitor looks, and its FIFO P&L is the position's", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10", sizingMode: "base", sizingValue: "0.01" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "ledger-partial" });
    expect(await drainUntilDone([buy])).toBe(0);
    const entry = (await legOf(t.strategyId, buy, "buy"))!;
    expect(entry).toMatchObject({ status: "open", price: "54000", amount: "0.01" });
    expect(await ledgerOf(entry.id)).toHaveLength(0);

    const firstFillAt = Date.now() - 30_000;
    sim.fillResting(t.apiKey, entry.clientOrderId, "0.004", { price: "53000", time: firstFillAt });
    await monitorOrders({ budgetMs: 10_000 });
    await monitorOrders({ budgetMs: 10_000 });
    let rows = await ledgerOf(entry.id);
    expect(rows).toHaveLength(1);
    // 0.004 at 53000 = 212, commission 0.1 % in the asset received.
    expect(rows[0]).toMatchObject({ strategyId: t.strategyId, accountId: t.accountId, userId: t.userId, symbol: "BTC/USDT", side: "buy" });
    expect([rows[0]!.amount, rows[0]!.price, rows[0]!.quoteValue, rows[0]!.filledAfter, rows[0]!.feeQuote].map(fixed)).toEqual(["0.004", "53000", "212", "0.004", "0"]);
    expect(rows[0]!.fees).toEqual({ BTC: "0.000004" });
    expect(rows[0]!.at.getTime()).toBe(firstFillAt);

    // The rest fills at the limit price; the monitor books only the new 0.006, at its own price.
    sim.fillResting(t.apiKey, entry.clientOrderId, "0.006");
    await Promise.all([monitorOrders({ budgetMs: 10_000 }), monitorOrders({ budgetMs: 10_000 })]);
    await monitorOrders({ budgetMs: 10_000 });
    rows = await ledgerOf(entry.id);
    expect(rows).toHaveLength(2);
    expect([rows[1]!.amount, rows[1]!.price, rows[1]!.quoteValue, rows[1]!.filledAfter].map(fixed)).toEqual(["0.006", "54000", "324", "0.01"]);
    expect(rows[1]!.fees).toEqual({ BTC: "0.000006" });

    // Booking the same fill again (a stale copy of the row, as a second worker would hold) writes nothing.
    const state = { filled: "0.01", average: "53600", cost: "536", fees: [{ cost: "0.00001", currency: "BTC" }] };
    expect(await applyFill(entry, state, "BTC")).toBe("0");
    const [current] = await testDb.db.select().from(orders).where(eq(orders.id, entry.id));
    expect(await applyFill(current!, state, "BTC")).toBe("0");
    expect(await ledgerOf(entry.id)).toHaveLength(2);
    // And the database itself refuses a second row for the same increment.
    const { id: _id, bookedAt: _bookedAt, ...copy } = rows[1]!;
    expect((await testDb.db.insert(fills).values(copy).onConflictDoNothing().returning()).length).toBe(0);
    await expect(testDb.db.insert(fills).values(copy)).rejects.toThrow();

    expect(fixed(await heldBy(t.strategyId))).toBe("0.00999");
    const close = await post(t, { action: "close", symbol: "BTC/USDT", price: "60000", id: "ledger-close" });
    expect(await drainUntilDone([close])).toBe(0);
    const exit = (await legOf(t.strategyId, close, "close"))!;
    expect(exit).toMatchObject({ status: "filled", filled: "0.00999" });
    expect(await ledgerOf(exit.id)).toHaveLength(1);
    await monitorOrders({ budgetMs: 10_000 });
    expect(await ledgerOf(exit.id)).toHaveLength(1);

    const position = (await positionRow(t.strategyId))!;
    expect(fixed(position.amount)).toBe("0");
    // 0.00999 × 60000 = 599.4 less 0.5994 USDT, against 212 + 324 paid: 62.8006.
    expect(fixed(position.realizedPnl)).toBe("62.8006");
    const figures = fifoFigures(await listFills({ userId: t.userId, strategyId: t.strategyId }));
    expect(figures.realizedPnl).toBe(fixed(position.realizedPnl));
    expect({ trades: figures.trades, wins: figures.wins, losses: figures.losses }).toEqual({ trades: 1, wins: 1, losses: 0 });
    expect(figures.feesByCurrency).toEqual({ BTC: "0.00001", USDT: "0.5994" });
    expect(figures.open).toEqual([]);
    await expectLedgerCoversOrders(t.userId);
  });

  it("books two concurrent bookings of one fill once", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10" });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "ledger-race" });
    expect(await drainUntilDone([buy])).toBe(0);
    const entry = (await legOf(t.strategyId, buy, "buy"))!;
    const state = { filled: "0.01", average: "54000", cost: "540", fees: [{ cost: "0.00001", currency: "BTC" }] };
    const moved = await Promise.all([applyFill(entry, state, "BTC"), applyFill(entry, state, "BTC")]);
    expect(moved.sort()).toEqual(["0", "0.00999"]);
    expect(await ledgerOf(entry.id)).toHaveLength(1);
    expect(fixed(await heldBy(t.strategyId))).toBe("0.00999");
  });

  it("writes rows for protective orders: a stop-loss that sells the position, with FIFO P&L equal to the position's", async () => {
    // On ETH, so no other test's position reacts to this price move.
    const t = await makeTrader({ symbol: "ETH/USDT", takeProfitPct: "10", stopLossPct: "5" });
    const buy = await post(t, { action: "buy", symbol: "ETH/USDT", price: "3000", id: "ledger-stop" });
    expect(await drainUntilDone([buy])).toBe(0);
    expect(fixed(await heldBy(t.strategyId))).toBe("0.1998");
    sim.setPrice("ETHUSDT", "2800");
    for (let pass = 0; pass < 5 && fixed(await heldBy(t.strategyId)) !== "0"; pass++) await monitorOrders({ budgetMs: 10_000 });
    expect(fixed(await heldBy(t.strategyId))).toBe("0");

    const ledger = await listFills({ userId: t.userId, strategyId: t.strategyId });
    const legs = await testDb.db.select({ id: orders.id, leg: orders.leg }).from(orders).where(inArray(orders.id, ledger.map((r) => r.orderId)));
    expect(legs.some((l) => l.leg === "sl")).toBe(true);
    const position = (await positionRow(t.strategyId))!;
    expect(new Decimal(position.realizedPnl).lt(0)).toBe(true);
    expect(fifoFigures(ledger).realizedPnl).toBe(fixed(position.realizedPnl));
    await expectLedgerCoversOrders(t.userId);
  });

  it("writes rows for manual orders, with no strategy", async () => {
    const t = await makeTrader();
    const placed = await placeManualOrder(t.userId, { accountId: t.accountId, symbol: "BTC/USDT", side: "buy", type: "market", amountIn: "base", amount: "0.002" });
    expect(placed.kind).toBe("placed");
    const [row] = await testDb.db.select().from(orders).where(and(eq(orders.userId, t.userId), eq(orders.source, "manual")));
    const rows = await ledgerOf(row!.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ strategyId: null, accountId: t.accountId, side: "buy", fees: { BTC: "0.000002" } });
    expect([rows[0]!.amount, rows[0]!.price, rows[0]!.quoteValue].map(fixed)).toEqual(["0.002", "60000", "120"]);
    // Booked, so the monitor no longer revisits it; and it books nothing into any strategy.
    await monitorOrders({ budgetMs: 10_000 });
    expect(await ledgerOf(row!.id)).toHaveLength(1);
    expect(fixed(await heldBy(t.strategyId))).toBe("0");
    expect(fifoFigures(await listFills({ userId: t.userId })).open).toEqual([
      { strategyId: null, accountId: t.accountId, symbol: "BTC/USDT", amount: "0.001998", cost: "120" },
    ]);
    await expectLedgerCoversOrders(t.userId);
  });
});
