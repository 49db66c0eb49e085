import Decimal from "decimal.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCcxtClient, type CcxtExchangeId } from "@/lib/exchanges/ccxt-adapter";
import { checkOrder, roundPrice } from "@/lib/exchanges/precision";
import { ExchangeError, isUnknownOutcome, type CreateOrderRequest, type ExchangeClient, type ExchangeErrorCode } from "@/lib/exchanges/types";
import type { SpotDesk } from "../simulator/spot-desk";

/** What the suite needs of one venue's spot simulator (BTC at 60,000 and ETH at 3,000 after `reset`). */
export interface SpotVenue {
  exchange: CcxtExchangeId;
  start(): Promise<string>;
  stop(): Promise<void>;
  /** Forgets accounts, orders, faults and logged requests; prices back to their defaults. */
  reset(): void;
  addAccount(apiKey: string, balances: Record<string, string>): void;
  /** What our client signs with (the passphrase as `password`, where the venue has one). */
  credentials(apiKey: string): { apiKey: string; secret: string; password?: string };
  /** The venue's books: the shared spot matching engine under its protocol. */
  desk: SpotDesk;
  /** The venue's id of BTC/USDT. */
  btc: string;
  setPrice(id: string, price: string): void;
  /** Order-create requests that reached the venue so far, booked or not. */
  createRequests(): number;
  /** The venue books the next order, but its answer never arrives. */
  loseNextAnswer(): void;
  /** The venue refuses the next order-create request with its rate limit. */
  rateLimitNext(): void;
  /** The next order-create request meets a 5xx before the venue books anything. */
  outageNext(): void;
  /** What that outage maps to (both are unknown outcomes: the order is looked up, never sent again blindly). */
  outageCode: Extract<ExchangeErrorCode, "exchange_down" | "network">;
}

const BTC = "BTC/USDT";
const ETH = "ETH/USDT";
// A bound per case. The slowest is Bybit's limit case (2-6 s): ccxt's own throttle weighs its cancel-all heavily.
const CASE_MS = 10_000;
const LOST_ANSWER_TIMEOUT_MS = 500;

async function expectCode(promise: Promise<unknown>, code: ExchangeErrorCode) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExchangeError);
  expect((error as ExchangeError).code).toBe(code);
  return error as ExchangeError;
}

/** As the engine does: checked against the market's precision and minimums, sent only when it passes. */
async function place(ex: ExchangeClient, request: CreateOrderRequest) {
  const check = checkOrder(await ex.market(request.symbol), request);
  if (!check.ok) return check;
  return ex.createOrder({ ...request, amount: check.amount, price: check.price });
}

/**
 * One venue's spot trading through our ExchangeClient, so ccxt's own code runs against the venue's
 * simulator: markets and balance, a market buy under our client order id, a lost answer resolved by that
 * id, resting limits filled, canceled one by one and all at once, minimums refused before sending, and the
 * venue's refusals mapped to our reasons with nothing left booked.
 */
export function spotVenueSuite(venue: SpotVenue) {
  const apiKey = `${venue.exchange}-spot-trader`;
  let url = "";

  const client = (timeoutMs = 5_000) =>
    createCcxtClient({ exchange: venue.exchange, marketType: "spot", sandbox: false, credentials: venue.credentials(apiKey), apiOverride: url, timeoutMs });
  const booked = () => venue.desk.account(apiKey).orders;
  const fillsOf = (clientId: string) => venue.desk.fills(apiKey, { clientId }).map((f) => ({ fee: f.fee.toFixed(), coin: f.feeCoin, maker: f.maker }));
  const line = async (ex: ExchangeClient, asset: string) => (await ex.balance()).find((b) => b.asset === asset);

  describe(`spot lifecycle on ${venue.exchange}`, { timeout: CASE_MS }, () => {
    beforeAll(async () => {
      url = await venue.start();
    });
    afterAll(() => venue.stop());
    beforeEach(() => {
      venue.reset();
      venue.addAccount(apiKey, { USDT: "10000", BTC: "0.5" });
    });

    it("loads BTC/USDT with the precision and minimums the venue enforces, and reads the balance", async () => {
      const ex = await client();
      const market = await ex.market(BTC);
      const enforced = venue.desk.market(venue.btc);
      const same = (value: string | null) => new Decimal(value ?? 0).toFixed();
      expect(market).toMatchObject({ symbol: BTC, id: venue.btc, base: "BTC", quote: "USDT", type: "spot" });
      // A minimum the venue does not publish (OKX's order value) is one it does not enforce either.
      expect([market.amountStep, market.priceStep, market.minAmount, market.minCost].map(same)).toEqual([enforced.lotSize, enforced.tickSize, enforced.minQty, enforced.minNotional].map(same));
      const balance = await ex.balance();
      expect(balance.find((b) => b.asset === "USDT")).toMatchObject({ free: "10000", used: "0", total: "10000" });
      expect(balance.find((b) => b.asset === "BTC")).toMatchObject({ free: "0.5", used: "0", total: "0.5" });
    });

    it("fills a market buy under our client order id, with its fee, and finds it by that id", async () => {
      const ex = await client();
      await ex.market(BTC);
      const before = venue.createRequests();
      const order = await ex.createOrder({ symbol: BTC, side: "buy", type: "market", amount: "0.01", clientOrderId: "sbmkt1" });
      expect(venue.createRequests()).toBe(before + 1);
      expect(order).toMatchObject({ status: "filled", clientOrderId: "sbmkt1", side: "buy", amount: "0.01", filled: "0.01", average: "60000", cost: "600" });
      // The venue takes 0.1 % of what it gives, as a taker.
      expect(fillsOf("sbmkt1")).toEqual([{ fee: "0.00001", coin: "BTC", maker: false }]);
      const found = await ex.findOrderByClientId("sbmkt1", BTC);
      expect(found).toMatchObject({ id: order.id, status: "filled", filled: "0.01", cost: "600", fee: { cost: "0.00001", currency: "BTC" } });
      expect(await ex.findOrderByClientId("sbneversent", BTC)).toBeNull();
      expect(await line(ex, "USDT")).toMatchObject({ free: "9400", used: "0" });
      expect((await line(ex, "BTC"))?.total).toBe("0.50999");
    });

    it("a lost answer is an unknown outcome; the order is found by client id, filled, and was sent once", async () => {
      const ex = await client(LOST_ANSWER_TIMEOUT_MS);
      await ex.market(BTC);
      const before = venue.createRequests();
      venue.loseNextAnswer();
      const lost = await ex.createOrder({ symbol: BTC, side: "buy", type: "market", amount: "0.02", clientOrderId: "sblost1" }).catch((e: unknown) => e);
      expect(isUnknownOutcome(lost)).toBe(true);
      expect((lost as ExchangeError).code).toBe("network");
      const found = await ex.findOrderByClientId("sblost1", BTC);
      expect(found).toMatchObject({ status: "filled", clientOrderId: "sblost1", filled: "0.02", average: "60000", cost: "1200", fee: { cost: "0.00002", currency: "BTC" } });
      expect(venue.createRequests()).toBe(before + 1);
      expect(booked().map((o) => [o.clientId, o.status])).toEqual([["sblost1", "filled"]]);
    });

    it("rests limit orders, fills one as maker when the price crosses it, cancels one, and cancels the rest of the symbol", async () => {
      const ex = await client();
      const a = await ex.createOrder({ symbol: BTC, side: "buy", type: "limit", amount: "0.01", price: "55000", clientOrderId: "sblim1" });
      const b = await ex.createOrder({ symbol: BTC, side: "buy", type: "limit", amount: "0.01", price: "50000", clientOrderId: "sblim2" });
      await ex.createOrder({ symbol: BTC, side: "sell", type: "limit", amount: "0.1", price: "70000", clientOrderId: "sblim3" });
      await ex.createOrder({ symbol: ETH, side: "buy", type: "limit", amount: "0.1", price: "2000", clientOrderId: "sbeth1" });
      expect(a).toMatchObject({ status: "open", clientOrderId: "sblim1", price: "55000", amount: "0.01", filled: "0" });
      expect((await ex.openOrders(BTC)).map((o) => `${o.clientOrderId}:${o.side}:${o.price}`).sort()).toEqual(["sblim1:buy:55000", "sblim2:buy:50000", "sblim3:sell:70000"]);
      expect(await line(ex, "USDT")).toMatchObject({ free: "8750", used: "1250" });
      expect((await line(ex, "BTC"))?.used).toBe("0.1");

      venue.setPrice(venue.btc, "54000");
      const filled = await ex.findOrderByClientId("sblim1", BTC);
      expect(filled).toMatchObject({ id: a.id, status: "filled", filled: "0.01", average: "55000", cost: "550", fee: { cost: "0.00001", currency: "BTC" } });
      expect(fillsOf("sblim1")).toEqual([{ fee: "0.00001", coin: "BTC", maker: true }]);

      const canceled = await ex.cancelOrder(b.id, BTC);
      expect(canceled).toMatchObject({ id: b.id, status: "canceled", clientOrderId: "sblim2" });
      expect(await ex.findOrderByClientId("sblim2", BTC)).toMatchObject({ id: b.id, status: "canceled", filled: "0" });
      expect(await ex.cancelAllOrders(BTC)).toBe(1);
      expect(await ex.openOrders(BTC)).toEqual([]);
      expect((await ex.openOrders(ETH)).map((o) => o.clientOrderId)).toEqual(["sbeth1"]);
      expect(await ex.cancelAllOrders(BTC)).toBe(0);
      const history = await ex.orderHistory({ symbol: BTC });
      expect(history.map((o) => `${o.clientOrderId}:${o.status}`).sort()).toEqual(["sblim1:filled", "sblim2:canceled", "sblim3:canceled"]);
      // Neither a filled order nor a canceled one can be canceled.
      await expectCode(ex.cancelOrder(a.id, BTC), "order_not_found");
      await expectCode(ex.cancelOrder(b.id, BTC), "order_not_found");
      // Only the ETH bid still holds quote; the BTC sell's base is free again.
      expect(await line(ex, "USDT")).toMatchObject({ free: "9250", used: "200" });
      expect(await line(ex, "BTC")).toMatchObject({ used: "0", total: "0.50999" });
    });

    it("refuses an order below the market's minimum amount or value before anything is sent", async () => {
      const ex = await client();
      const market = await ex.market(BTC);
      const step = new Decimal(market.amountStep);
      const least = Decimal.max(market.minAmount ?? 0, step);
      const before = venue.createRequests();

      // One step under the minimum amount (half a step where the step is the minimum: it rounds to nothing).
      const tooFew = least.gt(step) ? least.sub(step) : step.div(2);
      expect(await place(ex, { symbol: BTC, side: "buy", type: "market", amount: tooFew.toFixed(), referencePrice: "60000", clientOrderId: "sbtiny1" })).toMatchObject({
        ok: false,
        reason: "amount_too_small",
      });
      if (market.minCost) {
        // The least amount, bid low enough to be worth half the minimum value.
        const price = roundPrice(Decimal.min(30_000, new Decimal(market.minCost).div(least).div(2)), market.priceStep, "buy");
        expect(await place(ex, { symbol: BTC, side: "buy", type: "limit", amount: least.toFixed(), price, clientOrderId: "sbtiny2" })).toMatchObject({
          ok: false,
          reason: "cost_too_small",
          min: market.minCost,
        });
      }
      expect(venue.createRequests()).toBe(before);
      expect(booked()).toEqual([]);

      // The least that passes both minimums is what the venue accepts.
      const worth = new Decimal(market.minCost ?? 0).div(60_000).div(step).ceil().mul(step);
      const smallest = await place(ex, { symbol: BTC, side: "buy", type: "market", amount: Decimal.max(least, worth).toFixed(), referencePrice: "60000", clientOrderId: "sbleast1" });
      expect(smallest).toMatchObject({ status: "filled", clientOrderId: "sbleast1" });
      expect(venue.createRequests()).toBe(before + 1);
    });

    it("maps insufficient funds, the venue's rate limit and an outage to our reasons, with nothing booked", async () => {
      const ex = await client();
      await ex.market(BTC);
      const before = venue.createRequests();
      const buy = (clientOrderId: string, amount = "0.01") => ex.createOrder({ symbol: BTC, side: "buy", type: "market", amount, clientOrderId });

      const poor = await expectCode(buy("sbpoor1", "1"), "insufficient_funds");
      venue.rateLimitNext();
      const limited = await expectCode(buy("sbbusy1"), "rate_limited");
      // Refusals: safe to send again later. An outage may have booked it: looked up first.
      expect([isUnknownOutcome(poor), isUnknownOutcome(limited)]).toEqual([false, false]);
      venue.outageNext();
      expect(isUnknownOutcome(await expectCode(buy("sbdown1"), venue.outageCode))).toBe(true);

      expect(venue.createRequests()).toBe(before + 3);
      expect(booked()).toEqual([]);
      for (const id of ["sbpoor1", "sbbusy1", "sbdown1"]) expect(await ex.findOrderByClientId(id, BTC)).toBeNull();
      expect(await line(ex, "USDT")).toMatchObject({ free: "10000", used: "0" });
    });
  });
}
