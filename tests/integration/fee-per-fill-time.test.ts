import { beforeEach, describe, expect, it } from "vitest";
import Decimal from "decimal.js";
import { and, eq, inArray } from "drizzle-orm";
import { fills, rateLimitCounters, signalEvents } from "@/db/schema";
import { drainSignals, monitorOrders } from "@/lib/engine";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture } from "../helpers/trading";

/**
 * A fee paid in a third asset (BNB) is converted at its own fill's time: when several fills of one order
 * are seen in one monitor pass, an earlier fill's BNB fee is not priced at the latest fill's BNB price.
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, legOf, positionRow, simBtc } = tradingFixture(sim, testDb, "fee-time");

const fixed = (value: string | undefined) => new Decimal(value ?? "0").toFixed();

async function drainUntilDone(eventIds: string[], limitMs = 15_000) {
  const until = Date.now() + limitMs;
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

describe("third-asset fees of several fills seen in one pass", () => {
  it("price each fill's BNB fee at its own time, keeping apart what has no price for that time", async () => {
    const t = await makeTrader({ sizingMode: "base", sizingValue: "0.01", orderType: "limit", limitOffsetPct: "10" }, { USDT: "50000" });
    sim.payFeesInBnb(t.apiKey);
    sim.account(t.apiKey).balances.set("BNB", { free: new Decimal("0.01"), locked: new Decimal(0) });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "50000", id: "fee-time-buy" });
    expect(await drainUntilDone([buy])).toBe(0);
    const entry = (await legOf(t.strategyId, buy, "buy"))!;
    expect(entry).toMatchObject({ status: "open", price: "45000", amount: "0.01" });

    // Two fills between two monitor passes: 40 s ago with BNB at 400, 5 s ago with BNB at 500.
    const now = Date.now();
    sim.setPrice("BNBUSDT", "400", { at: now - 40_000 });
    sim.fillResting(t.apiKey, entry.clientOrderId, "0.004", { time: now - 40_000 });
    sim.setPrice("BNBUSDT", "500", { at: now - 5_000 });
    sim.fillResting(t.apiKey, entry.clientOrderId, "0.006", { time: now - 5_000 });
    await monitorOrders({ budgetMs: 10_000 });

    const position = (await positionRow(t.strategyId))!;
    expect(fixed(position.amount)).toBe("0.01");
    expect(fixed(position.amount)).toBe(simBtc(t.apiKey).toFixed());
    // Fill 1: 180 × 0.1 % × 0.75 / 400 = 0.0003375 BNB, with no price for its time here: kept apart (at the
    // latest fill's 500 it would wrongly add 0.16875 USDT). Fill 2: 270 × 0.1 % × 0.75 / 500 = 0.000405 BNB
    // at its own 500 = 0.2025 USDT.
    expect(fixed(position.costBasis)).toBe("450.2025");
    expect(position.otherFees).toEqual({ BNB: "0.0003375" });
    const [ledger] = await testDb.db.select().from(fills).where(eq(fills.orderId, entry.id));
    expect(fixed(ledger!.feeQuote)).toBe("0.2025");
    expect(ledger!.fees).toEqual({ BNB: "0.0007425" });
  });
});
