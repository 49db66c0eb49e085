import { describe, expect, it } from "vitest";
import { replayTrackRecord, type Delivery } from "@/lib/statistics/track-record";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const d = (minute: number, action: string, symbol: string, price: string | null): Delivery => ({ action, symbol, price, at: at(minute) });

describe("replayTrackRecord (100 USDT per buy, a sell closes)", () => {
  it("matches a sequence worked out by hand", () => {
    // BTC: buy 100 @ 50000 → 0.002 BTC; buy 100 @ 40000 → 0.0025; sell @ 45000: 0.0045 × 45000 = 202.5,
    //   P&L +2.5 on 200 spent (+1.25 %).
    // ETH: buy 100 @ 2000 → 0.05; close @ 1800 → 90: −10 (−10 %).
    // SOL: sell with nothing held (ignored); buy 100 @ 150 stays open.
    // XRP: buy 100 @ 0.5 → 200; sell @ 0.6 → 120: +20 (+20 %).
    // Unpriced buy: counted, not replayed. Cancel: ignored.
    const record = replayTrackRecord([
      d(0, "buy", "BTC/USDT", "50000"),
      d(1, "buy", "ETH/USDT", "2000"),
      d(2, "buy", "BTC/USDT", "40000"),
      d(3, "sell", "SOL/USDT", "140"),
      d(4, "sell", "BTC/USDT", "45000"),
      d(5, "close", "ETH/USDT", "1800"),
      d(6, "cancel", "BTC/USDT", "1"),
      d(7, "buy", "DOGE/USDT", null),
      d(9, "sell", "XRP/USDT", "0.6"),
      d(8, "buy", "XRP/USDT", "0.5"),
      d(10, "buy", "SOL/USDT", "150"),
    ]);
    expect(record).toMatchObject({ stake: "100", trades: 3, wins: 2, winRate: "66.7", open: 1, unpriced: 1 });
    // +2.5 − 10 + 20 = +12.5 on 400 spent (200 + 100 + 100) = +3.125 % → 3.13.
    expect(record.pnl).toBe("12.5");
    expect(record.pnlPct).toBe("3.13");
    expect(record.last.map((t) => [t.symbol, t.entry, t.exit, t.pnl, t.pnlPct])).toEqual([
      ["XRP/USDT", "0.5", "0.6", "20", "20"],
      ["ETH/USDT", "2000", "1800", "-10", "-10"],
      ["BTC/USDT", "44444.44444444", "45000", "2.5", "1.25"],
    ]);
    expect(record.last[2]).toMatchObject({ cost: "200", amount: "0.0045", openedAt: at(0), closedAt: at(4) });
  });

  it("has no rates before the first closed trade, and sums exactly where floats would not", () => {
    expect(replayTrackRecord([d(0, "buy", "BTC/USDT", "3")])).toMatchObject({ trades: 0, winRate: null, pnl: "0", pnlPct: null, open: 1 });
    // 100/3 BTC sold at 3.3: 110 exactly (a float says 109.99999999999999).
    expect(replayTrackRecord([d(0, "buy", "X/USDT", "3"), d(1, "sell", "X/USDT", "3.3")]).pnl).toBe("10");
    expect(replayTrackRecord([d(0, "buy", "X/USDT", "10"), d(1, "sell", "X/USDT", "20")], { stake: "250" })).toMatchObject({ pnl: "250", pnlPct: "100" });
  });
});
