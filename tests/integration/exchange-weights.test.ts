import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCcxtClient } from "@/lib/exchanges/ccxt-adapter";
import type { VenueAnswer } from "@/lib/exchanges/budget/ccxt-meter";
import { requestWeight } from "@/lib/exchanges/budget/weights";
import { BinanceSimulator } from "../simulator/binance-simulator";

/**
 * The weight the budget spends for each request is the weight Binance charges for it: the simulator
 * charges Binance's published weights, so after each call both sides must have counted the same.
 */

const sim = new BinanceSimulator();
const KEY = "weights-key";
let spent: number[] = [];
let answers: VenueAnswer[] = [];

beforeAll(async () => {
  await sim.start();
  sim.addAccount({ apiKey: KEY, secret: "weights-secret", balances: { USDT: "100000", BTC: "1" } });
});

afterAll(() => sim.stop());

async function client() {
  return createCcxtClient({
    exchange: "binance",
    marketType: "spot",
    sandbox: false,
    credentials: { apiKey: KEY, secret: "weights-secret" },
    apiOverride: sim.url,
    timeoutMs: 5_000,
    meter: {
      spend: async (weight) => void spent.push(weight),
      observe: async (answer) => void answers.push(answer),
    },
  });
}

/** Runs `call`, answering what the budget spent and what the venue charged for it. */
async function weighed(call: () => Promise<unknown>) {
  spent = [];
  answers = [];
  sim.advanceClock(120_000);
  await call();
  return { spent: spent.reduce((a, b) => a + b, 0), charged: sim.usedWeight(), requests: spent.length };
}

describe("each request spends Binance's weight for it", () => {
  it("markets (exchangeInfo 20), balance (account 20), ticker (2), open orders with a symbol (6) and without (80)", async () => {
    const ex = await client();
    expect(await weighed(() => ex.markets())).toEqual({ spent: 20, charged: 20, requests: 1 });
    expect(await weighed(() => ex.balance())).toEqual({ spent: 20, charged: 20, requests: 1 });
    expect(await weighed(() => ex.ticker("BTC/USDT"))).toEqual({ spent: 2, charged: 2, requests: 1 });
    expect(await weighed(() => ex.openOrders("BTC/USDT"))).toEqual({ spent: 6, charged: 6, requests: 1 });
    expect(await weighed(() => ex.openOrders())).toEqual({ spent: 80, charged: 80, requests: 1 });
  });

  it("orders: a create is 1; a look-up by client id counts every request it makes (the order, then its trades)", async () => {
    const ex = await client();
    await ex.markets();
    const created = await weighed(() => ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.001", clientOrderId: "w-1" }));
    expect(created).toEqual({ spent: created.charged, charged: created.charged, requests: created.requests });
    expect(created.requests).toBeGreaterThanOrEqual(1);
    const found = await weighed(() => ex.findOrderByClientId("w-1", "BTC/USDT"));
    expect(found.spent).toBe(found.charged);
    expect(found.charged).toBeGreaterThanOrEqual(4);
    const history = await weighed(() => ex.orderHistory({ symbol: "BTC/USDT" }));
    expect(history).toEqual({ spent: 20, charged: 20, requests: 1 });
    const resting = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.001", price: "50000", clientOrderId: "w-2" });
    expect(await weighed(() => ex.cancelOrder(resting.id, "BTC/USDT"))).toEqual({ spent: 1, charged: 1, requests: 1 });
  });

  it("reads the venue's own count from every answer", async () => {
    const ex = await client();
    await weighed(() => ex.balance());
    expect(answers).toHaveLength(1);
    expect(answers[0]!.status).toBe(200);
    expect(Object.entries(answers[0]!.headers).find(([k]) => k.toLowerCase() === "x-mbx-used-weight-1m")?.[1]).toBe("20");
  });

  it("other venues count requests: one each", () => {
    expect(requestWeight("bybit", "private", 5)).toBe(1);
    expect(requestWeight("okx", "private", 1)).toBe(1);
    expect(requestWeight("bitget", "private", 2)).toBe(1);
    expect(requestWeight("binance", "sapi", 0.1)).toBe(1);
    expect(requestWeight("binance", "fapiPrivate", 5)).toBe(5);
  });
});
