import { beforeEach, describe, expect, it } from "vitest";
import Decimal from "decimal.js";
import { and, eq, inArray } from "drizzle-orm";
import { rateLimitCounters, signalEvents } from "@/db/schema";
import { drainSignals, monitorOrders } from "@/lib/engine";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { tradingFixture, type Trader } from "../helpers/trading";

/**
 * Exact books through ccxt's real binance class: every fill booked at its own price and fee, with fees in
 * the base asset, the quote asset and BNB, and orders whose fills pay in two currencies (the account pays
 * with BNB until its BNB runs out, then in the asset received, as Binance does).
 */

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
const { makeTrader, post, legOf, positionRow, simBtc } = tradingFixture(sim, testDb, "fees");

async function drainUntilDone(eventIds: string[], limitMs = 15_000) {
  const until = Date.now() + limitMs;
  for (;;) {
    await drainSignals({ budgetMs: 5_000 });
    const left = await testDb.db.select({ id: signalEvents.id }).from(signalEvents).where(and(inArray(signalEvents.id, eventIds), eq(signalEvents.status, "queued")));
    if (left.length === 0 || Date.now() > until) return left.length;
    await new Promise((r) => setTimeout(r, 150));
  }
}

function setBnb(t: Trader, free: string) {
  sim.account(t.apiKey).balances.set("BNB", { free: new Decimal(free), locked: new Decimal(0) });
}

const fixed = (value: string | undefined) => new Decimal(value ?? "0").toFixed();

beforeEach(async () => {
  sim.setDepth("BTCUSDT", null);
  sim.setPrice("BTCUSDT", "50000");
  sim.setPrice("BNBUSDT", "400");
  await testDb.db.delete(rateLimitCounters);
});

describe("exact books with fees in two currencies", () => {
  it("books each market fill at its own price and fee: BNB converted at the fill's price, base fees off the amount, quote fees off the proceeds", async () => {
    const t = await makeTrader({ sizingMode: "base", sizingValue: "0.014" }, { USDT: "50000" });
    sim.payFeesInBnb(t.apiKey);
    // Enough BNB for the first fill's commission only.
    setBnb(t, "0.0004");
    sim.setDepth("BTCUSDT", { asks: [{ price: "50000", qty: "0.004" }, { price: "50100", qty: "0.01" }] });
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "50000", id: "bnb-buy" });
    expect(await drainUntilDone([buy])).toBe(0);
    const entry = (await legOf(t.strategyId, buy, "buy"))!;
    expect(entry).toMatchObject({ status: "filled", filled: "0.014" });
    // Fill 1: 0.004 × 50000 = 200, commission 200 × 0.1 % × 0.75 / 400 = 0.000375 BNB.
    // Fill 2: 0.01 × 50100 = 501, commission 0.01 × 0.1 % = 0.00001 BTC (the BNB ran out).
    expect(Object.fromEntries(Object.entries(entry.appliedFees).map(([k, v]) => [k, fixed(v)]))).toEqual({ BNB: "0.000375", BTC: "0.00001" });
    let position = (await positionRow(t.strategyId))!;
    expect(fixed(position.amount)).toBe("0.01399");
    // 200 + 501 paid, and 0.000375 BNB × 400 = 0.15 of fee at the fill's BNB price.
    expect(fixed(position.costBasis)).toBe("701.15");
    expect(position.otherFees).toEqual({});
    expect(fixed(position.amount)).toBe(simBtc(t.apiKey).toFixed());

    setBnb(t, "0.0005");
    sim.setDepth("BTCUSDT", { bids: [{ price: "51000", qty: "0.005" }, { price: "50900", qty: "0.01" }] });
    sim.setPrice("BTCUSDT", "51000");
    const close = await post(t, { action: "close", symbol: "BTC/USDT", price: "51000", id: "bnb-close" });
    expect(await drainUntilDone([close])).toBe(0);
    const exit = (await legOf(t.strategyId, close, "close"))!;
    expect(exit).toMatchObject({ status: "filled", filled: "0.01399" });
    // Fill 1: 0.005 × 51000 = 255, commission 255 × 0.1 % × 0.75 / 400 = 0.000478125 BNB.
    // Fill 2: 0.00899 × 50900 = 457.591, commission 0.457591 USDT.
    expect(Object.fromEntries(Object.entries(exit.appliedFees).map(([k, v]) => [k, fixed(v)]))).toEqual({ BNB: "0.000478125", USDT: "0.457591" });
    position = (await positionRow(t.strategyId))!;
    // Proceeds 255 + 457.591 − 0.19125 (BNB at 400) − 0.457591 = 711.942159; less the cost 701.15.
    expect(fixed(position.amount)).toBe("0");
    expect(fixed(position.costBasis)).toBe("0");
    expect(fixed(position.realizedPnl)).toBe("10.792159");
    expect({ wins: position.wins, losses: position.losses }).toEqual({ wins: 1, losses: 0 });
    expect(simBtc(t.apiKey).toFixed()).toBe("0");
  });

  it("keeps a BNB fee apart when its price at the fill's time is not known, and converts the next fill's", async () => {
    const t = await makeTrader({ sizingMode: "base", sizingValue: "0.01", orderType: "limit", limitOffsetPct: "10" }, { USDT: "50000" });
    sim.payFeesInBnb(t.apiKey);
    setBnb(t, "0.01");
    const buy = await post(t, { action: "buy", symbol: "BTC/USDT", price: "50000", id: "bnb-limit" });
    expect(await drainUntilDone([buy])).toBe(0);
    const entry = (await legOf(t.strategyId, buy, "buy"))!;
    expect(entry).toMatchObject({ status: "open", price: "45000", amount: "0.01" });

    // A partial fill ten minutes ago, seen only now: today's BNB price is not the fill's.
    sim.fillResting(t.apiKey, entry.clientOrderId, "0.004", { time: Date.now() - 10 * 60_000 });
    await monitorOrders({ budgetMs: 10_000 });
    let position = (await positionRow(t.strategyId))!;
    expect(fixed(position.amount)).toBe("0.004");
    expect(fixed(position.costBasis)).toBe("180");
    // 180 × 0.1 % × 0.75 / 400, shown apart, never added to the USDT cost.
    expect(position.otherFees).toEqual({ BNB: "0.0003375" });

    // The rest fills now: 0.006 × 45000 = 270, commission 0.00050625 BNB = 0.2025 USDT at 400.
    sim.fillResting(t.apiKey, entry.clientOrderId, "0.006");
    await monitorOrders({ budgetMs: 10_000 });
    position = (await positionRow(t.strategyId))!;
    expect(fixed(position.amount)).toBe("0.01");
    expect(fixed(position.costBasis)).toBe("450.2025");
    expect(position.otherFees).toEqual({ BNB: "0.0003375" });
    expect(fixed(position.amount)).toBe(simBtc(t.apiKey).toFixed());
  });
});
