import { describe, expect, it } from "vitest";
import { fifoFigures, type LedgerFill } from "@/lib/statistics";

const A = "strategy-a"; // BTC/USDT
const B = "strategy-b"; // ETH/USDT
const ACCOUNT = "account-1";
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

function fill(
  minute: number,
  strategyId: string | null,
  orderId: string,
  symbol: string,
  side: "buy" | "sell",
  amount: string,
  quoteValue: string,
  fees: Record<string, string>,
  feeQuote = "0",
  feePrices: Record<string, string> = {},
): LedgerFill {
  return { orderId, strategyId, accountId: ACCOUNT, symbol, side, amount, quoteValue, fees, feeQuote, feePrices, at: new Date(T0 + minute * 60_000) };
}

/*
 * 24 fills, three books: strategy A on BTC/USDT, strategy B on ETH/USDT, manual orders on BTC/USDT.
 * Listed book by book, not in time order: the figures must sort them by time (t = minute).
 * A lot is (amount received, cost); cost = quote value + fee counted in quote (USDT, or BNB at its price).
 *
 * Strategy A, BTC/USDT
 *  f1  t1  buy  o1  0.1    @ 50000 = 5000,   fee 5 USDT           -> lot1 0.1     cost 5005
 *  f2  t2  buy  o1  0.1001 @ 51000 = 5105.1, fee 0.0001 BTC       -> lot2 0.1     cost 5105.1 (base fee off the amount)
 *  f3  t4  sell o2  0.05   @ 52000 = 2600,   fee 2.6 USDT         held 0.2: 0.05 of lot1 = 5005*0.05/0.1 = 2502.5
 *                                             pnl = 2600 - 2.6 - 2502.5 = 94.9                  lot1 0.05 cost 2502.5
 *  f4  t5  sell o2  0.1    @ 49000 = 4900,   fee 0.01 BNB @300 = 3 USDT
 *                                             gone: lot1 0.05 (2502.5) + 0.05 of lot2 (5105.1*0.5 = 2552.55) = 5055.05
 *                                             pnl = 4900 - 3 - 5055.05 = -158.05                lot2 0.05 cost 2552.55
 *          o2 trade = 94.9 - 158.05 = -63.15 (loss)
 *  f5  t7  buy  o3  0.05   @ 48000 = 2400,   fee 2.4 USDT         -> lot3 0.05    cost 2402.4
 *  f6  t9  sell o4  0.1    @ 53000 = 5300,   fee 0.0001 BTC       held 0.1, sold 0.1; base fee coins = min(0.0001, 0.1-0.1) = 0
 *                                             gone: lot2 2552.55 + lot3 2402.4 = 4954.95
 *                                             pnl = 5300 - 4954.95 = 345.05 (o4 trade, win)      book empty
 *  f7  t11 buy  o5  0.02   @ 50000 = 1000,   fee 0.005 BNB, no price (kept apart) -> lot4 0.02 cost 1000
 *  f8  t12 buy  o5  0.02   @ 50500 = 1010,   fee 0.005 BNB @320 = 1.6 USDT        -> lot5 0.02 cost 1011.6
 *  f9  t14 sell o6  0.01   @ 51000 = 510,    fee 0.51 USDT        0.01 of lot4 = 500; pnl = 510 - 0.51 - 500 = 9.49
 *  f10 t15 sell o6  0.03   @ 49000 = 1470,   fee 1.47 USDT        gone: lot4 rest 500 + lot5 1011.6 = 1511.6
 *                                             pnl = 1470 - 1.47 - 1511.6 = -43.07
 *          o6 trade = 9.49 - 43.07 = -33.58 (loss)                                          book empty
 *  f11 t17 sell o7  0.01   @ 50000 = 500,    fee 0.5 USDT         nothing held: not the strategy's coins, no P&L, no trade
 *  f22 t19 buy  o8  0.01   @ 50000 = 500,    fee 0.00001 BTC      -> lot6 0.00999 cost 500
 *  f23 t20 buy  o8  0.01   @ 50000 = 500,    fee 0.00001 BTC      -> lot7 0.00999 cost 500
 *  f24 t22 sell o9  0.01998 @ 55000 = 1098.9, fee 1.0989 USDT     gone: both lots = 1000
 *                                             pnl = 1098.9 - 1.0989 - 1000 = 97.8011 (o9 trade, win)
 *
 * Strategy B, ETH/USDT
 *  f12 t3  buy  e1  1.001  @ 3000 = 3003,    fee 0.001 ETH        -> lotA 1      cost 3003
 *  f13 t6  buy  e1  1      @ 3100 = 3100,    fee 3.1 USDT         -> lotB 1      cost 3103.1
 *  f14 t8  sell e2  0.5    @ 3200 = 1600,    fee 0.0005 ETH       held 2, sold 0.5, fee coins min(0.0005, 1.5) = 0.0005
 *                                             gone 0.5005 of lotA = 3003*0.5005 = 1502.9015
 *                                             pnl = 1600 - 1502.9015 = 97.0985                  lotA 0.4995 cost 1500.0985
 *  f15 t10 sell e2  1      @ 3300 = 3300,    fee 0.001 ETH        held 1.4995, fee coins 0.001, gone 1.001:
 *                                             lotA 0.4995 (1500.0985) + 0.5015 of lotB (3103.1*0.5015 = 1556.20465) = 3056.30315
 *                                             pnl = 3300 - 3056.30315 = 243.69685               lotB 0.4985 cost 1546.89535
 *          e2 trade = 97.0985 + 243.69685 = 340.79535 (win)
 *  f16 t13 buy  e3  0.5015 @ 2900 = 1454.35, fee 1.45435 USDT     -> lotC 0.5015 cost 1455.80435
 *  f17 t16 sell e4  0.4985 @ 2800 = 1395.8,  fee 0.004 BNB @300 = 1.2 USDT
 *                                             gone lotB 1546.89535; pnl = 1395.8 - 1.2 - 1546.89535 = -152.29535
 *  f18 t18 sell e4  1.003  @ 2850 = 2858.55, fee 2.85855 USDT     held 0.5015 only: share = 0.5015/1.003 = 0.5
 *                                             pnl = (2858.55 - 2.85855)*0.5 - 1455.80435 = 1427.845725 - 1455.80435 = -27.958625
 *          e4 trade = -152.29535 - 27.958625 = -180.253975 (loss)
 *  f21 t21 buy  e5  2      @ 3000 = 6000,    fee 6 USDT           -> open: 2 ETH cost 6006
 *
 * Manual, BTC/USDT (no strategy: a book per account)
 *  f19 t23 buy  m1  0.01   @ 50000 = 500,    fee 0.5 USDT         -> lot 0.01 cost 500.5
 *  f20 t24 sell m2  0.01   @ 52000 = 520,    fee 0.002 BNB, no price (kept apart)
 *                                             pnl = 520 - 500.5 = 19.5 (m2 trade, win)
 *
 * Realized P&L in time order, cumulative (peak, drawdown from it):
 *  t4 +94.9 = 94.9 (peak) | t5 -158.05 = -63.15 (dd 158.05) | t8 +97.0985 = 33.9485 | t9 +345.05 = 378.9985
 *  t10 +243.69685 = 622.69535 | t14 +9.49 = 632.18535 (peak) | t15 -43.07 = 589.11535 | t16 -152.29535 = 436.82
 *  t18 -27.958625 = 408.861375 (dd 632.18535 - 408.861375 = 223.323975, the largest) | t22 +97.8011 = 506.662475
 *  t24 +19.5 = 526.162475
 * By symbol: BTC/USDT = -63.15 + 345.05 - 33.58 + 97.8011 + 19.5 = 365.6211; ETH/USDT = 340.79535 - 180.253975 = 160.541375
 * Trades: 7 (o2 o4 o6 o9 e2 e4 m2); wins o4 o9 e2 m2 = 4, losses o2 o6 e4 = 3; win rate 4/7
 * Gross profit = 345.05 + 97.8011 + 340.79535 + 19.5 = 803.14645; gross loss = 63.15 + 33.58 + 180.253975 = 276.983975
 *  (803.14645 - 276.983975 = 526.162475, the total above)
 * Average win = 803.14645 / 4 = 200.7866125; average loss = -276.983975 / 3 = -92.3279916666...
 * Profit factor = 803.14645 / 276.983975 = 2.89961341626... (276.983975 * 2.9 = 803.2535275, a little over)
 * Ratios are exact to decimal.js' 20 significant digits, rounded half up.
 * Fees: USDT 5 + 2.6 + 2.4 + 0.51 + 1.47 + 0.5 + 3.1 + 1.45435 + 2.85855 + 0.5 + 6 + 1.0989 = 27.4918
 *       BTC 0.0001 + 0.0001 + 0.00001 + 0.00001 = 0.00022; ETH 0.001 + 0.0005 + 0.001 = 0.0025
 *       BNB 0.01 + 0.005 + 0.005 + 0.004 + 0.002 = 0.026, of which unpriced 0.005 + 0.002 = 0.007
 *       counted in quote: 27.4918 USDT + BNB priced 3 + 1.6 + 1.2 = 33.2918
 */
const BTC = "BTC/USDT";
const ETH = "ETH/USDT";
const LEDGER: LedgerFill[] = [
  fill(1, A, "o1", BTC, "buy", "0.1", "5000", { USDT: "5" }, "5"),
  fill(2, A, "o1", BTC, "buy", "0.1001", "5105.1", { BTC: "0.0001" }),
  fill(4, A, "o2", BTC, "sell", "0.05", "2600", { USDT: "2.6" }, "2.6"),
  fill(5, A, "o2", BTC, "sell", "0.1", "4900", { BNB: "0.01" }, "3", { BNB: "300" }),
  fill(7, A, "o3", BTC, "buy", "0.05", "2400", { USDT: "2.4" }, "2.4"),
  fill(9, A, "o4", BTC, "sell", "0.1", "5300", { BTC: "0.0001" }),
  fill(11, A, "o5", BTC, "buy", "0.02", "1000", { BNB: "0.005" }),
  fill(12, A, "o5", BTC, "buy", "0.02", "1010", { BNB: "0.005" }, "1.6", { BNB: "320" }),
  fill(14, A, "o6", BTC, "sell", "0.01", "510", { USDT: "0.51" }, "0.51"),
  fill(15, A, "o6", BTC, "sell", "0.03", "1470", { USDT: "1.47" }, "1.47"),
  fill(17, A, "o7", BTC, "sell", "0.01", "500", { USDT: "0.5" }, "0.5"),
  fill(19, A, "o8", BTC, "buy", "0.01", "500", { BTC: "0.00001" }),
  fill(20, A, "o8", BTC, "buy", "0.01", "500", { BTC: "0.00001" }),
  fill(22, A, "o9", BTC, "sell", "0.01998", "1098.9", { USDT: "1.0989" }, "1.0989"),
  fill(3, B, "e1", ETH, "buy", "1.001", "3003", { ETH: "0.001" }),
  fill(6, B, "e1", ETH, "buy", "1", "3100", { USDT: "3.1" }, "3.1"),
  fill(8, B, "e2", ETH, "sell", "0.5", "1600", { ETH: "0.0005" }),
  fill(10, B, "e2", ETH, "sell", "1", "3300", { ETH: "0.001" }),
  fill(13, B, "e3", ETH, "buy", "0.5015", "1454.35", { USDT: "1.45435" }, "1.45435"),
  fill(16, B, "e4", ETH, "sell", "0.4985", "1395.8", { BNB: "0.004" }, "1.2", { BNB: "300" }),
  fill(18, B, "e4", ETH, "sell", "1.003", "2858.55", { USDT: "2.85855" }, "2.85855"),
  fill(21, B, "e5", ETH, "buy", "2", "6000", { USDT: "6" }, "6"),
  fill(23, null, "m1", BTC, "buy", "0.01", "500", { USDT: "0.5" }, "0.5"),
  fill(24, null, "m2", BTC, "sell", "0.01", "520", { BNB: "0.002" }),
];

describe("FIFO figures from the fill ledger", () => {
  it("match the hand-worked ledger to the last unit", () => {
    expect(LEDGER).toHaveLength(24);
    const f = fifoFigures(LEDGER);
    expect(f.realizedPnl).toBe("526.162475");
    expect(f.realizedBySymbol).toEqual({ [BTC]: "365.6211", [ETH]: "160.541375" });
    expect({ trades: f.trades, wins: f.wins, losses: f.losses }).toEqual({ trades: 7, wins: 4, losses: 3 });
    expect(f.winRate).toBe("0.57142857142857142857");
    expect(f.grossProfit).toBe("803.14645");
    expect(f.grossLoss).toBe("276.983975");
    expect(f.averageWin).toBe("200.7866125");
    expect(f.averageLoss).toBe("-92.327991666666666667");
    expect(f.profitFactor).toBe("2.8996134162635221045");
    expect(f.maxDrawdown).toBe("223.323975");
    expect(f.feesByCurrency).toEqual({ USDT: "27.4918", BTC: "0.00022", ETH: "0.0025", BNB: "0.026" });
    expect(f.feeInQuote).toBe("33.2918");
    expect(f.unpricedFees).toEqual({ BNB: "0.007" });
    expect(f.open).toEqual([{ strategyId: B, accountId: ACCOUNT, symbol: ETH, amount: "2", cost: "6006" }]);
  });

  it("does not depend on the order the rows come in, only on their time", () => {
    expect(fifoFigures([...LEDGER].reverse())).toEqual(fifoFigures(LEDGER));
  });

  it("realizes nothing from a sale of coins the book never bought, and has no ratios without trades", () => {
    const f = fifoFigures([fill(1, A, "x", BTC, "sell", "1", "50000", { USDT: "50" }, "50")]);
    expect(f).toMatchObject({ realizedPnl: "0", trades: 0, winRate: null, averageWin: null, averageLoss: null, profitFactor: null, maxDrawdown: "0" });
    expect(f.feeInQuote).toBe("50");
  });
});
