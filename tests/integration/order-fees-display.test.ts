import { beforeEach, describe, expect, it } from "vitest";
import Decimal from "decimal.js";
import { and, eq, inArray } from "drizzle-orm";
import { formatOrderFees } from "@/components/orders/fees";
import { listOrderActivity } from "@/db/queries/activity";
import { listOrders } from "@/db/queries/orders";
import { realizedPnlBetween } from "@/db/queries/overview";
import { rateLimitCounters, signalEvents } from "@/db/schema";
import { drainSignals } from "@/lib/engine";
import { utcDay } from "@/lib/overview";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * Orders whose fills paid fees in two currencies (BNB until it runs out, then the asset received), through
 * ccxt's real binance class: the order lists show every fee, and today's P&L on the overview is what the
 * position booked with all of them.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post } = tradingFixture(sim, testDb, "feeview");

async function drain(eventIds: string[]) {
  const until = Date.now() + 15_000;
  for (;;) {
    await drainSignals({ budgetMs: 5_000 });
    const left = await testDb.db.select({ id: signalEvents.id }).from(signalEvents).where(and(inArray(signalEvents.id, eventIds), eq(signalEvents.status, "queued")));
    if (left.length === 0 || Date.now() > until) return left.length;
    await new Promise((r) => setTimeout(r, 150));
  }
}

beforeEach(async () => {
  sim.setDepth("BTCUSDT", null);
  sim.setPrice("BTCUSDT", "50000");
  sim.setPrice("BNBUSDT", "400");
  await testDb.db.delete(rateLimitCounters);
});

describe("orders that paid fees in two currencies", () => {
  it("show both fees in the order lists, and count them all in today's realised P&L", async () => {
    const t = await makeTrader({ sizingMode: "base", sizingValue: "0.014" }, { USDT: "50000" });
    const other = await makeTrader();
    sim.payFeesInBnb(t.apiKey);
    const setBnb = (free: string) => sim.account(t.apiKey).balances.set("BNB", { free: new Decimal(free), locked: new Decimal(0) });

    // Enough BNB for the first fill's commission only: 0.000375 BNB, then 0.00001 BTC.
    setBnb("0.0004");
    sim.setDepth("BTCUSDT", { asks: [{ price: "50000", qty: "0.004" }, { price: "50100", qty: "0.01" }] });
    expect(await drain([await post(t, { action: "buy", symbol: "BTC/USDT", price: "50000", id: "mixed-buy" })])).toBe(0);
    // Then 0.000478125 BNB and 0.457591 USDT on the way out.
    setBnb("0.0005");
    sim.setDepth("BTCUSDT", { bids: [{ price: "51000", qty: "0.005" }, { price: "50900", qty: "0.01" }] });
    sim.setPrice("BTCUSDT", "51000");
    expect(await drain([await post(t, { action: "close", symbol: "BTC/USDT", price: "51000", id: "mixed-close" })])).toBe(0);
    // Another trader's orders never show.
    expect(await drain([await post(other, { action: "buy", symbol: "BTC/USDT", price: "51000", id: "other-buy" })])).toBe(0);

    const { rows } = await listOrders({ userId: t.userId });
    expect(rows.map((r) => [r.side, r.status])).toEqual([
      ["sell", "filled"],
      ["buy", "filled"],
    ]);
    // A mixed order has no single fee: the old column alone showed nothing.
    expect(rows.map((r) => r.fee)).toEqual([null, null]);
    expect(rows.map(formatOrderFees)).toEqual(["0.000478125 BNB + 0.457591 USDT", "0.000375 BNB + 0.00001 BTC"]);

    // The Orders page and the overview's latest executions read the same rows.
    const activity = await listOrderActivity({ userId: t.userId, view: "orders" });
    expect(activity.rows.map((r) => (r.kind === "order" ? formatOrderFees(r) : r.kind))).toEqual(["0.000478125 BNB + 0.457591 USDT", "0.000375 BNB + 0.00001 BTC"]);

    // Proceeds 255 + 457.591, less 0.19125 (BNB at 400) and 0.457591 USDT, less the cost 700 + 1 (BTC fee
    // off the amount) + 0.15 (BNB at 400) = 701.15.
    expect(await realizedPnlBetween({ userId: t.userId, ...utcDay(new Date()) })).toEqual([{ quote: "USDT", amount: "10.792159" }]);
  });
});
