import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import Decimal from "decimal.js";
import { eq } from "drizzle-orm";
import { orders, signalEvents, strategies, strategyPositions, symbolSwitches, users } from "@/db/schema";
import { createUser } from "@/lib/users";
import { strategiesForEvent } from "@/db/queries/strategies";
import { drainSignals, executeForStrategy, monitorOrders } from "@/lib/engine";
import { insertWithinCaps } from "@/lib/engine/caps";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * What a strategy holds and may still come to hold: the max-position cap counts resting buys, partial
 * fills of orders that end canceled are booked, and exits follow the amount actually held.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, ordersOf, legOf, protectiveOf, executionOf, heldBy, simOrder, simBtc, partiallyFill, endOnExchange, nextId } = tradingFixture(sim, testDb, "exposure");

beforeEach(() => {
  sim.setPrice("BTCUSDT", "60000");
});

describe("max_position counts what is held and what resting buys may still add", () => {
  it("skips a buy when the held amount plus unfilled buys would pass the cap", async () => {
    // Limit buys 10 % under the signal price rest on the book: 600 USDT at 54000 = 0.01111 BTC each.
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10", maxPosition: "0.015" });
    const first = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "cap-1" });
    await drainSignals({ budgetMs: 10_000 });
    expect(await legOf(t.strategyId, first, "buy")).toMatchObject({ status: "open", amount: "0.01111" });
    expect(await heldBy(t.strategyId)).toBe("0");

    const second = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "cap-2" });
    await drainSignals({ budgetMs: 10_000 });
    expect(await legOf(t.strategyId, second, "buy")).toBeUndefined();
    expect(await executionOf(t.strategyId, second)).toMatchObject({ outcome: "skipped", reason: "max_position" });
    expect(sim.account(t.apiKey).orders).toHaveLength(1);
  });

  it("counts only the unfilled rest of a partly filled buy beside what it already added", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10", maxPosition: "0.02" });
    const first = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "cap-partial-1" });
    await drainSignals({ budgetMs: 10_000 });
    const row = (await legOf(t.strategyId, first, "buy"))!;
    partiallyFill(t.apiKey, row.clientOrderId, "0.005");
    await monitorOrders({ budgetMs: 10_000 });
    // Held 0.005 less the fee, 0.00611 still to come: a second 0.01111 passes 0.02.
    expect(await heldBy(t.strategyId)).toBe("0.004995");
    const second = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "cap-partial-2" });
    await drainSignals({ budgetMs: 10_000 });
    expect(await executionOf(t.strategyId, second)).toMatchObject({ outcome: "skipped", reason: "max_position" });
    // Once the rest is canceled, only what is held counts: the same buy fits.
    endOnExchange(t.apiKey, row.clientOrderId, "CANCELED");
    await monitorOrders({ budgetMs: 10_000 });
    const third = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "cap-partial-3" });
    await drainSignals({ budgetMs: 10_000 });
    expect(await executionOf(t.strategyId, third)).toMatchObject({ outcome: "sent" });
  });

  it("lets concurrent events together stay within the cap", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10", maxPosition: "0.03" });
    // Five events executed at once for one strategy, bypassing the signal lease: only two fit.
    await Promise.all([1, 2, 3, 4, 5].map((i) => post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: `race-${i}` })));
    const rows = await testDb.db.select().from(signalEvents).where(eq(signalEvents.signalId, t.signalId));
    expect(rows).toHaveLength(5);
    const [plan] = await strategiesForEvent(t.signalId, "BTC/USDT");
    const outcomes = await Promise.all(rows.map((event) => executeForStrategy(event, plan!)));
    expect(outcomes.filter((o) => o === "sent")).toHaveLength(2);
    expect(outcomes.filter((o) => o === "skipped")).toHaveLength(3);
    expect(sim.account(t.apiKey).orders).toHaveLength(2);
    const pending = (await ordersOf(t.strategyId)).reduce((sum, o) => sum.add(o.amount), new Decimal(0));
    expect(pending.toFixed()).toBe("0.02222");
  });

  it("checks and writes in one step, so rows written at the same moment cannot together pass the cap", async () => {
    const t = await makeTrader({ maxPosition: "0.025", maxOpenOrders: 4 });
    // Straight to the write, so the five checks really overlap (no exchange round trip staggers them).
    const intent = (i: number) => ({
      userId: t.userId, accountId: t.accountId, source: "signal" as const, strategyId: t.strategyId, eventId: randomUUID(), leg: "buy" as const,
      clientOrderId: `capsatonce${i}`, symbol: "BTC/USDT", side: "buy" as const, type: "limit" as const, amount: "0.01", price: "54000", status: "sending" as const,
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => insertWithinCaps({ id: t.strategyId, maxOpenOrders: 4, maxPosition: "0.025" }, intent(i))));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(["max_position", "max_position", "max_position"]);
    expect(await ordersOf(t.strategyId)).toHaveLength(2);
    // max_open_orders counts the strategy's live entries, however many arrive at once.
    const more = await Promise.all([6, 7, 8].map((i) => insertWithinCaps({ id: t.strategyId, maxOpenOrders: 3, maxPosition: null }, intent(i))));
    expect(more.map((r) => (r.ok ? "ok" : r.reason)).sort()).toEqual(["max_open_orders", "max_open_orders", "ok"]);
  });
});

describe("partial fills of orders that end canceled or expired", () => {
  for (const status of ["CANCELED", "EXPIRED"] as const) {
    it(`books the filled part of a buy the exchange ended as ${status.toLowerCase()}, once`, async () => {
      const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10" });
      const eventId = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: `ended-${status}` });
      await drainSignals({ budgetMs: 10_000 });
      const row = (await legOf(t.strategyId, eventId, "buy"))!;
      partiallyFill(t.apiKey, row.clientOrderId, "0.004");
      endOnExchange(t.apiKey, row.clientOrderId, status);
      await monitorOrders({ budgetMs: 10_000 });
      await monitorOrders({ budgetMs: 10_000 });
      expect(await legOf(t.strategyId, eventId, "buy")).toMatchObject({ status: status.toLowerCase(), filled: "0.004", appliedFilled: "0.004" });
      expect(await heldBy(t.strategyId)).toBe(simBtc(t.apiKey).toFixed());
      expect(await heldBy(t.strategyId)).toBe("0.003996");
    });
  }

  it("books a canceled order whose fill was recorded but not yet applied", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10" });
    const eventId = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "ended-unapplied" });
    await drainSignals({ budgetMs: 10_000 });
    const row = (await legOf(t.strategyId, eventId, "buy"))!;
    partiallyFill(t.apiKey, row.clientOrderId, "0.004");
    endOnExchange(t.apiKey, row.clientOrderId, "CANCELED");
    // What a crash between recording the exchange's answer and booking the fill leaves behind.
    await testDb.db.update(orders).set({ status: "canceled", filled: "0.004" }).where(eq(orders.id, row.id));
    await monitorOrders({ budgetMs: 10_000 });
    await monitorOrders({ budgetMs: 10_000 });
    expect(await legOf(t.strategyId, eventId, "buy")).toMatchObject({ status: "canceled", appliedFilled: "0.004" });
    expect(await heldBy(t.strategyId)).toBe("0.003996");
  });
});

describe("a cancel signal after a partial fill", () => {
  it("books the filled part with its fee", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10" });
    const eventId = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "cancel-after-partial-1" });
    await drainSignals({ budgetMs: 10_000 });
    const row = (await legOf(t.strategyId, eventId, "buy"))!;
    partiallyFill(t.apiKey, row.clientOrderId, "0.004");
    await post(t, { action: "cancel", symbol: "BTC/USDT", id: "cancel-after-partial-2" });
    await drainSignals({ budgetMs: 10_000 });
    await monitorOrders({ budgetMs: 10_000 });
    expect(await legOf(t.strategyId, eventId, "buy")).toMatchObject({ status: "canceled", appliedFilled: "0.004" });
    expect(await heldBy(t.strategyId)).toBe(simBtc(t.apiKey).toFixed());
  });
});

describe("take-profit and stop-loss follow what the entry has filled", () => {
  it("grows the stop with each fill and places the take-profit for the whole entry once it is done", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10", takeProfitPct: "5", stopLossPct: "5" });
    const eventId = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "follow-1" });
    await drainSignals({ budgetMs: 10_000 });
    const entry = (await legOf(t.strategyId, eventId, "buy"))!;
    expect(entry).toMatchObject({ status: "open", amount: "0.01111", price: "54000" });
    // The market comes down near the entry's price: between the buy at 54000 and the take-profit at 56700.
    sim.setPrice("BTCUSDT", "55000");

    partiallyFill(t.apiKey, entry.clientOrderId, "0.004");
    await monitorOrders({ budgetMs: 10_000 });
    // 0.004 bought, 0.000004 fee in BTC: 0.003996 held, 0.00399 sellable at the 0.00001 step. Exits are
    // measured from the break-even price: 216 USDT for 0.003996 BTC is 54054.05.
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ status: "open", type: "stop", amount: "0.00399", triggerPrice: "51351.36" });
    expect(await protectiveOf(t.strategyId, "tp")).toBeUndefined();

    partiallyFill(t.apiKey, entry.clientOrderId, "0.005");
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ status: "open", amount: "0.00899" });
    expect(await protectiveOf(t.strategyId, "tp")).toBeUndefined();

    partiallyFill(t.apiKey, entry.clientOrderId, "0.00211");
    await monitorOrders({ budgetMs: 10_000 });
    expect(await legOf(t.strategyId, eventId, "buy")).toMatchObject({ status: "filled", filled: "0.01111" });
    expect(await heldBy(t.strategyId)).toBe("0.01109889");
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ status: "open", amount: "0.01109" });
    expect(await protectiveOf(t.strategyId, "tp")).toMatchObject({ status: "open", type: "limit", amount: "0.01109", price: "56756.76" });
    expect(simOrder(t.apiKey, (await protectiveOf(t.strategyId, "tp"))!.clientOrderId).origQty.toFixed()).toBe("0.01109");
  });

  it("places the take-profit for the filled part when the rest of the entry is canceled", async () => {
    const t = await makeTrader({ orderType: "limit", limitOffsetPct: "10", takeProfitPct: "5", stopLossPct: "5" });
    const eventId = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "follow-2" });
    await drainSignals({ budgetMs: 10_000 });
    const entry = (await legOf(t.strategyId, eventId, "buy"))!;
    sim.setPrice("BTCUSDT", "55000");
    partiallyFill(t.apiKey, entry.clientOrderId, "0.004");
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "tp")).toBeUndefined();
    endOnExchange(t.apiKey, entry.clientOrderId, "EXPIRED");
    await monitorOrders({ budgetMs: 10_000 });
    expect(await protectiveOf(t.strategyId, "tp")).toMatchObject({ status: "open", amount: "0.00399", price: "56756.76" });
    expect(await protectiveOf(t.strategyId, "sl")).toMatchObject({ status: "open", amount: "0.00399" });
  });

  it("never lets a stop sell more than the strategy holds", async () => {
    const t = await makeTrader({ takeProfitPct: "5", stopLossPct: "5" });
    // Coins of the account's own, outside the strategy: a stop must not sell them.
    sim.account(t.apiKey).balances.set("BTC", { free: new Decimal("1"), locked: new Decimal(0) });
    await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "stop-cap-1" });
    await drainSignals({ budgetMs: 10_000 });
    const tp = (await protectiveOf(t.strategyId, "tp"))!;
    expect(tp).toMatchObject({ status: "open", amount: "0.00999", price: "63063.07" });
    // Half the take-profit fills, then the price falls through the stop.
    partiallyFill(t.apiKey, tp.clientOrderId, "0.005");
    await monitorOrders({ budgetMs: 10_000 });
    expect(await heldBy(t.strategyId)).toBe("0.00499");
    sim.setPrice("BTCUSDT", "56000");
    await monitorOrders({ budgetMs: 10_000 });
    const sl = (await protectiveOf(t.strategyId, "sl"))!;
    expect(sl).toMatchObject({ status: "filled", type: "market", amount: "0.00499" });
    // On Binance the take-profit and stop rest as one OCO. After the part fill the pair no longer fits
    // what is held: it was replaced (the first take-profit canceled, its part fill booked), and when the
    // new pair's stop triggered below its limit, our market stop sold the rest.
    expect((await ordersOf(t.strategyId)).find((o) => o.id === tp.id)).toMatchObject({ status: "canceled", filled: "0.005" });
    expect(await heldBy(t.strategyId)).toBe("0");
    expect(simBtc(t.apiKey).toFixed()).toBe("1");
  });
});

describe("kill switches turned off while an event fans out", () => {
  it("stop the order at the last moment before it leaves, and the row can never be sent later", async () => {
    for (const flip of ["trading", "symbol", "strategy"] as const) {
      const t = await makeTrader();
      const eventId = await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: `switch-${flip}` });
      const [event] = await testDb.db.select().from(signalEvents).where(eq(signalEvents.id, eventId));
      const [plan] = await strategiesForEvent(t.signalId, "BTC/USDT");
      // The plan was read with every switch on; the switch goes off after the row is written, just
      // before the send (the guard is the drain's last hook before the exchange call).
      const guard = async () => {
        if (flip === "trading") await testDb.db.update(users).set({ tradingEnabled: false }).where(eq(users.id, t.userId));
        if (flip === "symbol") await testDb.db.insert(symbolSwitches).values({ userId: t.userId, symbol: "BTC/USDT", enabled: false });
        if (flip === "strategy") await testDb.db.update(strategies).set({ enabled: false }).where(eq(strategies.id, t.strategyId));
      };
      expect(await executeForStrategy(event!, plan!, guard)).toBe("skipped");
      expect(sim.account(t.apiKey).orders).toHaveLength(0);
      const row = await legOf(t.strategyId, eventId, "buy");
      expect(row).toMatchObject({ status: "canceled" });
      expect(await executionOf(t.strategyId, eventId)).toMatchObject({
        outcome: "skipped",
        reason: { trading: "trading_paused", symbol: "symbol_paused", strategy: "strategy_paused" }[flip],
      });
      // Running the event again (a re-delivered job) changes nothing.
      await executeForStrategy(event!, plan!);
      expect(sim.account(t.apiKey).orders).toHaveLength(0);
    }
  });
});

describe("fees in the position", () => {
  it("counts a fee in the quote currency, shrinks the amount by one in the base, and leaves one in a third asset out of P&L", async () => {
    const { applyFill } = await import("@/lib/engine/positions");
    const cases = [
      { feeCurrency: "USDT", fee: "0.6", amount: "0.01", costBasis: "600.6" },
      { feeCurrency: "BTC", fee: "0.00001", amount: "0.00999", costBasis: "600" },
      // 0.0009 BNB is not 0.0009 USDT: the cost basis stays the price paid.
      { feeCurrency: "BNB", fee: "0.0009", amount: "0.01", costBasis: "600" },
    ];
    for (const c of cases) {
      const t = await makeTrader();
      const written = await insertWithinCaps(
        { id: t.strategyId, maxOpenOrders: null, maxPosition: null },
        {
          userId: t.userId, accountId: t.accountId, source: "signal", strategyId: t.strategyId, eventId: randomUUID(), leg: "buy",
          clientOrderId: `fee${c.feeCurrency}${nextId()}`, symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", status: "sending",
        } as const,
      );
      if (!written.ok || !written.row) throw new Error("row not written");
      await applyFill(written.row, { filled: "0.01", average: "60000", cost: "600", fees: [{ cost: c.fee, currency: c.feeCurrency }] }, "BTC");
      const [position] = await testDb.db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, t.strategyId));
      expect({ currency: c.feeCurrency, amount: new Decimal(position!.amount).toFixed(), costBasis: new Decimal(position!.costBasis).toFixed() }).toEqual({
        currency: c.feeCurrency,
        amount: c.amount,
        costBasis: c.costBasis,
      });
    }
  });
});

describe("overview numbers", () => {
  it("counts one user's accounts, strategies, orders and realized P&L only", async () => {
    const { overviewCounts } = await import("@/db/queries/strategies");
    const t = await makeTrader();
    await post(t, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "overview-1" });
    await drainSignals({ budgetMs: 10_000 });
    const counts = await overviewCounts(t.userId);
    expect(counts).toMatchObject({ accounts: 1, strategies: 1, activeStrategies: 1, orders: 1, openOrders: 0 });
    expect(new Decimal(counts.realizedPnl).toFixed()).toBe("0");
    const other = await createUser({ name: "o", email: `overview-other-${nextId()}@example.com`, passwordHash: "x", autoApprove: true });
    expect(await overviewCounts(other.id)).toMatchObject({ accounts: 0, strategies: 0, orders: 0, openOrders: 0 });
  });
});
