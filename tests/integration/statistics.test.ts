import { beforeEach, describe, expect, it } from "vitest";
import Decimal from "decimal.js";
import { and, eq, inArray } from "drizzle-orm";
import { insertStrategy } from "@/db/queries/strategies";
import { equitySnapshots, fills, orders, rateLimitCounters, signalEvents } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { utcDay } from "@/lib/overview";
import { backfillFillLedger } from "@/lib/statistics/backfill";
import { realizedPnlByQuote } from "@/lib/statistics/pnl";
import { equitySlot, snapshotEquity } from "@/lib/statistics/equity";
import { statisticsReport } from "@/lib/statistics/report";
import { seedLedger, type SeedFill } from "../helpers/seed-ledger";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * The Statistics page's figures through its query functions: from a hand-worked ledger, the engine's own
 * fills, equity snapshots the sync cycle writes (once per slot, however many runs), and nobody else's data.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, positionRow } = tradingFixture(sim, testDb, "stats");

const NOW = new Date("2031-05-20T12:00:00Z");
const at = (iso: string) => new Date(`2031-${iso}Z`);
const noPrices = () => null;

beforeEach(async () => {
  sim.setPrice("BTCUSDT", "60000");
  await testDb.db.delete(rateLimitCounters);
});

/** Strategy A trades BTC: +489.5 on 15 May, −211 today in two partial fills, 0.05 BTC left open at 3003. */
function ledgerOf(strategyId: string): SeedFill[] {
  const btc = (order: string, side: "buy" | "sell", amount: string, price: string, feeQuote: string, when: string): SeedFill => ({ order, strategyId, symbol: "BTC/USDT", side, amount, price, feeQuote, at: at(when) });
  const eth = (order: string, side: "buy" | "sell", price: string, feeQuote: string, when: string): SeedFill => ({ order, strategyId: null, symbol: "ETH/USDT", side, amount: "1", price, feeQuote, at: at(when) });
  return [
    eth("m1", "buy", "3000", "3", "04-01T10:00:00"),
    eth("m2", "sell", "3100", "3.1", "04-10T10:00:00"), // 3100 − 3.1 − 3003 = +93.9, before the 30 days
    btc("o1", "buy", "0.1", "50000", "5", "05-01T10:00:00"),
    btc("o2", "sell", "0.1", "55000", "5.5", "05-15T10:00:00"), // 5500 − 5.5 − 5005 = +489.5
    btc("o3", "buy", "0.1", "56000", "5.6", "05-18T10:00:00"),
    btc("o4", "sell", "0.04", "54000", "2.16", "05-20T08:00:00"), // 2157.84 − 2242.24 = −84.4
    btc("o4", "sell", "0.06", "54000", "3.24", "05-20T09:00:00"), // 3236.76 − 3363.36 = −126.6
    btc("o5", "buy", "0.05", "60000", "3", "05-20T10:00:00"),
  ];
}

async function drain(eventIds: string[]) {
  const until = Date.now() + 15_000;
  for (;;) {
    await drainSignals({ budgetMs: 5_000 });
    const left = await testDb.db.select({ id: signalEvents.id }).from(signalEvents).where(and(inArray(signalEvents.id, eventIds), eq(signalEvents.status, "queued")));
    if (left.length === 0 || Date.now() > until) return left.length;
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe("figures from the fill ledger", () => {
  it("are worked out by FIFO per period, strategy, account and symbol", async () => {
    const me = await makeTrader();
    await seedLedger(testDb.db, { userId: me.userId, accountId: me.accountId, rows: ledgerOf(me.strategyId) });
    const report = await statisticsReport({ userId: me.userId, period: "30d", now: NOW, priceOf: () => "62000" });

    expect(report.pnl).toEqual({ today: "-211", d7: "278.5", d30: "278.5", all: "372.4" });
    const strategy = report.strategies.find((r) => r.strategyId === me.strategyId)!;
    expect(strategy.figures).toEqual({
      realizedPnl: "278.5",
      trades: 2,
      wins: 1,
      losses: 1,
      winRate: "0.5",
      averageWin: "489.5",
      averageLoss: "-211",
      profitFactor: new Decimal("489.5").div(211).toFixed(),
      maxDrawdown: "211",
      fees: "24.5",
    });
    // 0.05 BTC at 62000 is 3100, which cost 3003.
    expect({ unrealized: strategy.unrealized, exposure: strategy.exposure }).toEqual({ unrealized: "97", exposure: "3100" });
    // The manual ETH trades closed before the 30 days: a row with nothing in the period is left out.
    expect(report.strategies.map((r) => r.key)).toEqual([me.strategyId]);
    expect(report.accounts).toHaveLength(1);
    expect(report.accounts[0]).toMatchObject({ accountId: me.accountId, currency: "USDT", figures: { realizedPnl: "278.5", trades: 2 } });
    expect(report.symbols.map((r) => [r.symbol, r.figures.realizedPnl])).toEqual([["BTC/USDT", "278.5"]]);
    expect(report.daily).toHaveLength(30);
    expect(report.daily.filter((d) => d.pnl !== "0")).toEqual([
      { day: "2031-05-15", pnl: "489.5" },
      { day: "2031-05-20", pnl: "-211" },
    ]);

    const all = await statisticsReport({ userId: me.userId, period: "all", now: NOW, priceOf: noPrices });
    const manual = all.strategies.find((r) => r.key === `manual:${me.accountId}`)!;
    expect(manual.figures).toMatchObject({ realizedPnl: "93.9", trades: 1, wins: 1, fees: "6.1" });
    // Without a price the open lot is at cost and its P&L unknown, not zero.
    expect(all.strategies.find((r) => r.strategyId === me.strategyId)).toMatchObject({ unrealized: null, exposure: "3003" });
  });

  it("are nobody else's: another trader's ledger and account stay out of mine", async () => {
    const me = await makeTrader();
    const other = await makeTrader();
    await seedLedger(testDb.db, { userId: other.userId, accountId: other.accountId, rows: ledgerOf(other.strategyId) });
    const mine = await statisticsReport({ userId: me.userId, period: "all", now: NOW, priceOf: noPrices });
    expect(mine).toMatchObject({ hasFills: false, pnl: { all: "0" }, accounts: [], strategies: [], symbols: [] });
    // Asking for their account by id as me: still nothing, and no names of theirs.
    const asked = await statisticsReport({ userId: me.userId, accountId: other.accountId, period: "all", now: NOW, priceOf: noPrices });
    expect(asked).toMatchObject({ hasFills: false, pnl: { all: "0" }, strategies: [] });
    expect(asked.names.accounts.map((a) => a.id)).toEqual([me.accountId]);
    expect((await statisticsReport({ userId: other.userId, period: "all", now: NOW, priceOf: noPrices })).pnl.all).toBe("372.4");
  });

  it("agree with the overview's realised P&L for the engine's own trades", async () => {
    const me = await makeTrader();
    expect(await drain([await post(me, { action: "buy", symbol: "BTC/USDT", price: "60000", id: "st-1" })])).toBe(0);
    sim.setPrice("BTCUSDT", "61500");
    expect(await drain([await post(me, { action: "close", symbol: "BTC/USDT", price: "61500", id: "st-2" })])).toBe(0);
    const report = await statisticsReport({ userId: me.userId, period: "7d", priceOf: noPrices });
    const [overview] = await realizedPnlByQuote({ userId: me.userId, ...utcDay(new Date()) });
    // The position's own books (average cost) agree too: one buy, one close.
    expect(overview!.amount).toBe(new Decimal((await positionRow(me.strategyId))!.realizedPnl).toFixed());
    expect(new Decimal(report.pnl.today).gt(0)).toBe(true);
    expect(report.pnl.today).toBe(overview!.amount);
    expect(report.strategies[0]!.figures).toMatchObject({ trades: 1, wins: 1 });
  });
});

describe("equity snapshots", () => {
  it("value the balances in USDT once per slot, even with two sync runs at once", async () => {
    const me = await makeTrader({}, { USDT: "1000", BTC: "0.5" });
    const now = new Date();
    const [a, b] = await Promise.all([snapshotEquity({ now }), snapshotEquity({ now })]);
    expect(a.processed + b.processed).toBeGreaterThanOrEqual(1);
    const rows = await testDb.db.select().from(equitySnapshots).where(eq(equitySnapshots.accountId, me.accountId));
    expect(rows).toHaveLength(1);
    // 1000 USDT and 0.5 BTC at 60000.
    expect(rows[0]).toMatchObject({ slot: equitySlot(now), equityUsdt: "31000", unpriced: [] });
    expect(rows[0]!.balances.BTC).toEqual({ total: "0.5", usdt: "30000" });

    // The same slot again writes nothing; the next one writes its own.
    await snapshotEquity({ now });
    sim.account(me.apiKey).balances.set("USDT", { free: new Decimal(2000), locked: new Decimal(0) });
    await snapshotEquity({ now: new Date(now.getTime() + 5 * 60_000) });
    const after = await testDb.db.select().from(equitySnapshots).where(eq(equitySnapshots.accountId, me.accountId));
    expect(after.map((r) => r.equityUsdt).sort()).toEqual(["31000", "32000"]);
    const report = await statisticsReport({ userId: me.userId, period: "7d", priceOf: noPrices });
    expect(report.equity.total).toBe("32000");
  });
});

describe("the ledger backfill", () => {
  it("writes one fill per order booked before the ledger, once, however often it runs", async () => {
    const me = await makeTrader();
    const eth = await insertStrategy({ userId: me.userId, name: "eth", signalId: me.signalId, accountId: me.accountId, symbol: "ETH/USDT", sizingValue: "100" });
    const base = { userId: me.userId, accountId: me.accountId, strategyId: eth.id, symbol: "ETH/USDT", type: "market" as const, status: "filled" as const };
    await testDb.db.insert(orders).values([
      { ...base, clientOrderId: "bf-1", side: "buy", amount: "2", filled: "2", appliedFilled: "2", appliedCost: "6000", appliedFees: { USDT: "6" }, updatedAt: at("05-01T00:00:00") },
      { ...base, clientOrderId: "bf-2", side: "sell", amount: "2", filled: "2", appliedFilled: "2", appliedCost: "6400", appliedFees: { USDT: "6.4", BNB: "0.01" }, updatedAt: at("05-02T00:00:00") },
    ]);
    const [first, second] = await Promise.all([backfillFillLedger(testDb.db), backfillFillLedger(testDb.db)]);
    expect(first.inserted + second.inserted).toBeGreaterThanOrEqual(2);
    expect((await backfillFillLedger(testDb.db)).inserted).toBe(0);
    const rows = await testDb.db.select().from(fills).where(eq(fills.strategyId, eth.id));
    expect(rows.map((r) => [r.side, r.amount, r.quoteValue, r.feeQuote, r.filledAfter])).toEqual([
      ["buy", "2", "6000", "6", "2"],
      ["sell", "2", "6400", "6.4", "2"],
    ]);
    const report = await statisticsReport({ userId: me.userId, period: "all", now: NOW, priceOf: noPrices });
    // 6400 − 6.4 − 6006; the BNB fee had no price back then and stays out of P&L.
    expect(report.strategies.find((r) => r.strategyId === eth.id)!.figures.realizedPnl).toBe("387.6");
  });
});
