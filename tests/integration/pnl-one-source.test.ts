import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { listFills } from "@/db/queries/fills";
import { fills } from "@/db/schema";
import { utcDay } from "@/lib/overview";
import { fifoFigures } from "@/lib/statistics";
import { realizedPnlByQuote, strategyFigures } from "@/lib/statistics/pnl";
import { statisticsReport } from "@/lib/statistics/report";
import { seedLedger, type SeedFill } from "../helpers/seed-ledger";
import { useTestDatabase } from "../helpers/test-db";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { tradingFixture } from "../helpers/trading";

/**
 * One source of truth: the overview's tiles, a strategy card and the Statistics page read the same stored
 * FIFO figures of the fill ledger, for a scripted ledger with partial fills and fees in base, quote and BNB.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader } = tradingFixture(sim, testDb, "one-source");

const NOW = new Date("2031-06-10T18:00:00Z");
const at = (hhmm: string) => new Date(`2031-06-10T${hhmm}:00Z`);

/**
 * Worked by hand (FIFO lots, cost with the quote-counted fee, a base fee shrinking the lot or leaving with the coins sold):
 * - b1 fills 0.1 @ 50000 (fee 0.0001 BTC): lot 0.0999 for 5000; then 0.1 @ 51000 (fee 0.01 BNB at 600 = 6): lot 0.1 for 5106
 * - b2 fills 0.05 @ 52000 (fee 2.6 USDT): lot 0.05 for 2602.6
 * - s1 fills 0.15 @ 55000 (fee 8.25): 8250 − 8.25 − (5000 + 5106 × 0.0501 / 0.1 = 2558.106) = +683.644;
 *   then 0.05 @ 54000 (fee 0.005 BNB at 610 = 3.05): 2700 − 3.05 − (2547.894 + 2602.6 × 0.0001 / 0.05 = 5.2052) = +143.8508
 *   s1 is one trade: +827.4948
 * - s2 fills 0.04 @ 48000 (fee 0.00004 BTC): 0.04004 BTC leave at 52052 = 2084.16208: 1920 − 2084.16208 = −164.16208
 * Realized: 663.33272; 2 trades, 1 win.
 */
function script(strategyId: string): SeedFill[] {
  const f = (order: string, side: "buy" | "sell", amount: string, price: string, when: string, fees: Record<string, string>, feeQuote = "0", feePrices: Record<string, string> = {}): SeedFill => ({
    order,
    strategyId,
    symbol: "BTC/USDT",
    side,
    amount,
    price,
    fees,
    feeQuote,
    feePrices,
    at: at(when),
  });
  return [
    f("b1", "buy", "0.1", "50000", "01:00", { BTC: "0.0001" }),
    f("b1", "buy", "0.1", "51000", "01:05", { BNB: "0.01" }, "6", { BNB: "600" }),
    f("b2", "buy", "0.05", "52000", "02:00", { USDT: "2.6" }, "2.6"),
    f("s1", "sell", "0.15", "55000", "03:00", { USDT: "8.25" }, "8.25"),
    f("s1", "sell", "0.05", "54000", "03:02", { BNB: "0.005" }, "3.05", { BNB: "610" }),
    f("s2", "sell", "0.04", "48000", "04:00", { BTC: "0.00004" }),
  ];
}

describe("one source of truth for realized P&L", () => {
  it("the overview tile, the strategy card and the Statistics page show the same hand-worked figure", async () => {
    const me = await makeTrader();
    await seedLedger(testDb.db, { userId: me.userId, accountId: me.accountId, rows: script(me.strategyId) });

    const tile = await realizedPnlByQuote({ userId: me.userId, ...utcDay(NOW) });
    const card = (await strategyFigures({ userId: me.userId })).get(me.strategyId)!;
    const page = await statisticsReport({ userId: me.userId, period: "7d", now: NOW, priceOf: () => null });
    const pageRow = page.strategies.find((r) => r.strategyId === me.strategyId)!;

    expect(tile).toEqual([{ quote: "USDT", amount: "663.33272" }]);
    expect(card).toMatchObject({ realizedPnl: "663.33272", trades: 2, wins: 1, losses: 1, winRate: "0.5" });
    expect(page.pnl).toMatchObject({ today: "663.33272", all: "663.33272" });
    // The card is the page's row less the drawdown (not worked out for the cards).
    expect(pageRow.figures).toEqual({ ...card, maxDrawdown: expect.any(String) });
    // The stored figures are what a replay of the whole ledger in memory gives.
    expect(fifoFigures(await listFills({ userId: me.userId })).realizedPnl).toBe("663.33272");
    // 0.00986 BTC (0.0499 − 0.04004) left of b2's lot, at its 52052 a coin: 513.23272, at cost without a price.
    expect(pageRow.exposure).toBe("513.23272");
  });

  it("a fill booked late (dated before its book's last one) replays the book", async () => {
    const me = await makeTrader();
    const rows = script(me.strategyId);
    // Everything but b2, worked out; then b2 arrives, dated before the sells.
    await seedLedger(testDb.db, { userId: me.userId, accountId: me.accountId, rows: rows.filter((r) => r.order !== "b2") });
    const before = (await strategyFigures({ userId: me.userId })).get(me.strategyId)!;
    expect(before.realizedPnl).not.toBe("663.33272");
    await seedLedger(testDb.db, { userId: me.userId, accountId: me.accountId, rows: rows.filter((r) => r.order === "b2") });

    expect((await strategyFigures({ userId: me.userId })).get(me.strategyId)).toMatchObject({ realizedPnl: "663.33272", trades: 2, wins: 1 });
    expect(await realizedPnlByQuote({ userId: me.userId, ...utcDay(NOW) })).toEqual([{ quote: "USDT", amount: "663.33272" }]);
    const pending = await testDb.db.select({ id: fills.id }).from(fills).where(eq(fills.fifoBooked, false));
    expect(pending).toEqual([]);
  });

  it("two readers at once work the new fills out once", async () => {
    const me = await makeTrader();
    await seedLedger(testDb.db, { userId: me.userId, accountId: me.accountId, rows: script(me.strategyId) });
    const [a, b] = await Promise.all([strategyFigures({ userId: me.userId }), realizedPnlByQuote({ userId: me.userId })]);
    expect(a.get(me.strategyId)!.realizedPnl).toBe("663.33272");
    expect(b).toEqual([{ quote: "USDT", amount: "663.33272" }]);
  });
});
