import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Exchange } from "ccxt";
import Decimal from "decimal.js";
import { createCcxtClient, loadExchangeClass } from "@/lib/exchanges/ccxt-adapter";
import { ExchangeError, type ExchangeClient } from "@/lib/exchanges/types";
import { BinanceSimulator } from "../simulator/binance-simulator";

// The simulator's opt-in features (order book depth, price paths, partial fills, stop and OCO orders,
// request weight, mandatory parameters), each proven through ccxt's real binance class.
const sim = new BinanceSimulator();
let url = "";
const KEY = "sim-key-CCCC3333";
const SECRET = "sim-secret-DDDD4444";
const SYMBOL = "BTC/USDT";

type RawCall = (params?: Record<string, unknown>) => Promise<Record<string, unknown> & { orders?: unknown[]; orderReports?: unknown[] }>;
type Raw = Exchange & { call: (method: string, params?: Record<string, unknown>) => ReturnType<RawCall>; header: (name: string) => string | undefined };

/** The unified client the app uses. */
async function client(): Promise<ExchangeClient> {
  return createCcxtClient({
    exchange: "binance",
    marketType: "spot",
    sandbox: false,
    credentials: { apiKey: KEY, secret: SECRET },
    apiOverride: url,
    timeoutMs: 5_000,
  });
}

/** ccxt's binance class loaded and pointed at the simulator as the adapter does, for raw endpoint calls. */
async function raw(opts: { key?: string; secret?: string } = {}): Promise<Raw> {
  const Cls = await loadExchangeClass("binance");
  const ex = new Cls({
    apiKey: opts.key ?? KEY,
    secret: opts.secret ?? SECRET,
    enableRateLimit: false,
    timeout: 5_000,
    options: {
      defaultType: "spot",
      fetchCurrencies: false,
      fetchMargins: false,
      warnOnFetchOpenOrdersWithoutSymbol: false,
      adjustForTimeDifference: false,
      fetchMarkets: { types: ["spot"] },
    },
  });
  const pairs: [string, string][] = [];
  const walk = (node: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === "string" && /^https?:\/\//.test(value)) {
        const rewritten = value.replace(/^https?:\/\/[^/]+/, url);
        pairs.push([rewritten, value]);
        node[key] = rewritten;
      } else if (value && typeof value === "object") walk(value as Record<string, unknown>);
    }
  };
  walk(ex.urls.api as Record<string, unknown>);
  const loose = ex as unknown as Record<string, unknown>;
  const original = loose.getExceptionsByUrl as (u: string, kind: string) => unknown;
  loose.getExceptionsByUrl = (u: string, kind: string) => {
    const hit = pairs.find(([rewritten]) => u.startsWith(rewritten));
    return original.call(ex, hit ? hit[1] + u.slice(hit[0].length) : u, kind);
  };
  await ex.loadMarkets();
  return Object.assign(ex, {
    call: (method: string, params: Record<string, unknown> = {}) => (loose[method] as RawCall).call(ex, params),
    header: (name: string) => {
      const headers = (loose.last_response_headers ?? {}) as Record<string, string>;
      return Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    },
  });
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

/** ccxt's error class and its parents, by name (ccxt's classes are loaded from the exchange file's own copy). */
function classes(error: unknown) {
  const names: string[] = [];
  for (let p = Object.getPrototypeOf(error) as object | null; p && p !== Error.prototype; p = Object.getPrototypeOf(p) as object | null) {
    names.push((p as { constructor: { name: string } }).constructor.name);
  }
  return names;
}

const bal = (asset: string) => {
  const b = sim.account(KEY).balances.get(asset) ?? { free: new Decimal(0), locked: new Decimal(0) };
  return { free: b.free.toString(), locked: b.locked.toString(), total: b.free.add(b.locked).toString() };
};
const simOrder = (clientOrderId: string) => sim.account(KEY).orders.findLast((o) => o.clientOrderId === clientOrderId)!;

beforeAll(async () => {
  url = await sim.start();
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.reset();
  sim.addAccount({ apiKey: KEY, secret: SECRET, balances: { USDT: "10000", BTC: "0.5" } });
});

describe("order book depth", () => {
  it("walks the book: one fill per level with its own price and commission, and expires what the book cannot fill", async () => {
    sim.setDepth("BTCUSDT", {
      asks: [
        { price: "60010", qty: "0.02" },
        { price: "60000", qty: "0.01" },
        { price: "60050", qty: "0.01" },
      ],
      bids: [
        { price: "59990", qty: "0.01" },
        { price: "59950", qty: "0.05" },
      ],
    });
    const ex = await client();
    const bought = await ex.createOrder({ symbol: SYMBOL, side: "buy", type: "market", amount: "0.03", clientOrderId: "depth-buy-1" });
    expect(bought).toMatchObject({ status: "filled", filled: "0.03", cost: "1800.2" });
    expect(simOrder("depth-buy-1").fills.map((f) => [f.price, f.qty, f.commission, f.commissionAsset])).toEqual([
      ["60000", "0.01", "0.00001", "BTC"],
      ["60010", "0.02", "0.00002", "BTC"],
    ]);
    // The adapter sums the commission of the order's trades.
    expect((await ex.findOrderByClientId("depth-buy-1", SYMBOL))?.fee).toEqual({ cost: "0.00003", currency: "BTC" });
    expect(bal("USDT")).toMatchObject({ free: "8199.8", locked: "0" });
    expect(bal("BTC").total).toBe("0.52997");

    // Only 0.01 is left on the ask side: the market order fills that and the rest EXPIRES.
    const partial = await ex.createOrder({ symbol: SYMBOL, side: "buy", type: "market", amount: "0.05", clientOrderId: "depth-buy-2" });
    expect(partial).toMatchObject({ status: "expired", filled: "0.01", amount: "0.05", cost: "600.5" });
    const rawEx = await raw();
    const fetched = await rawEx.fetchOrder(undefined as unknown as string, SYMBOL, { clientOrderId: "depth-buy-2" });
    expect(fetched.info).toMatchObject({ status: "EXPIRED", executedQty: "0.01000000", origQty: "0.05000000" });
    expect(sim.depthOf("BTCUSDT")?.asks).toEqual([]);
    expect(bal("USDT").free).toBe("7599.3");
    expect(bal("BTC").total).toBe("0.53996");

    // A sell walks the bids down; the commission is in USDT, per fill.
    const sold = await rawEx.createOrder(SYMBOL, "market", "sell", 0.03, undefined, { clientOrderId: "depth-sell-1" });
    expect(sold.status).toBe("closed");
    expect(sold.trades.map((t) => [t.price, t.amount, t.fee?.cost, t.fee?.currency])).toEqual([
      [59990, 0.01, 0.5999, "USDT"],
      [59950, 0.02, 1.199, "USDT"],
    ]);
    expect(bal("USDT").free).toBe("9396.4011");
    expect(bal("BTC").total).toBe("0.50996");
  });

  it("a ladder of equal levels around the last price makes market orders slip tick by tick", async () => {
    sim.setDepth("BTCUSDT", { qtyPerLevel: "0.01", levels: 3 });
    const rawEx = await raw();
    const sold = await rawEx.createOrder(SYMBOL, "market", "sell", 0.025, undefined, { clientOrderId: "ladder-sell" });
    expect(sold.status).toBe("closed");
    expect(simOrder("ladder-sell").fills.map((f) => [f.price, f.qty])).toEqual([
      ["60000", "0.01"],
      ["59999.99", "0.01"],
      ["59999.98", "0.005"],
    ]);
    const bought = await rawEx.createOrder(SYMBOL, "market", "buy", 0.04, undefined, { clientOrderId: "ladder-buy" });
    expect(bought.status).toBe("expired");
    expect(simOrder("ladder-buy")).toMatchObject({ status: "EXPIRED" });
    expect(simOrder("ladder-buy").executedQty.toString()).toBe("0.03");
    expect(simOrder("ladder-buy").fills.map((f) => f.price)).toEqual(["60000", "60000.01", "60000.02"]);
    // Without depth a market order fills whole at the last price again.
    sim.setDepth("BTCUSDT", null);
    const plain = await rawEx.createOrder(SYMBOL, "market", "buy", 0.04, undefined, { clientOrderId: "plain-buy" });
    expect(plain.status).toBe("closed");
    expect(simOrder("plain-buy").fills.map((f) => [f.price, f.qty])).toEqual([["60000", "0.04"]]);
  });
});

describe("price paths and partial fills", () => {
  it("fills a resting limit order a part per crossing step, each fill with its commission, and cancels the rest", async () => {
    sim.setLimitFillRatio("BTCUSDT", "0.25");
    const ex = await client();
    const order = await ex.createOrder({ symbol: SYMBOL, side: "buy", type: "limit", amount: "0.04", price: "59000", clientOrderId: "part-1" });
    expect(order.status).toBe("open");
    expect(bal("USDT")).toMatchObject({ free: "7640", locked: "2360" });

    sim.walkPrice("BTCUSDT", ["59500", "59000"]);
    expect(await ex.findOrderByClientId("part-1", SYMBOL)).toMatchObject({ status: "partially_filled", filled: "0.01" });
    sim.walkPrice("BTCUSDT", ["58900", "59100", "58800"]);
    const found = await ex.findOrderByClientId("part-1", SYMBOL);
    expect(found).toMatchObject({ status: "partially_filled", filled: "0.03", fee: { cost: "0.00003", currency: "BTC" } });
    expect(simOrder("part-1").fills.map((f) => [f.price, f.qty, f.commission])).toEqual([
      ["59000", "0.01", "0.00001"],
      ["59000", "0.01", "0.00001"],
      ["59000", "0.01", "0.00001"],
    ]);

    expect((await ex.cancelOrder(order.id, SYMBOL)).status).toBe("canceled");
    expect(bal("USDT")).toMatchObject({ free: "8230", locked: "0" });
    expect(bal("BTC").total).toBe("0.52997");
  });

  it("takes a fill ratio per call, and fills whole by default", async () => {
    const ex = await client();
    await ex.createOrder({ symbol: SYMBOL, side: "sell", type: "limit", amount: "0.1", price: "61000", clientOrderId: "part-sell" });
    sim.walkPrice("BTCUSDT", ["61000"], { fillRatio: "0.5" });
    expect(simOrder("part-sell")).toMatchObject({ status: "PARTIALLY_FILLED" });
    sim.setPrice("BTCUSDT", "61500");
    expect(await ex.findOrderByClientId("part-sell", SYMBOL)).toMatchObject({ status: "filled", filled: "0.1" });
    expect(simOrder("part-sell").fills.map((f) => [f.price, f.qty, f.commission, f.commissionAsset])).toEqual([
      ["61000", "0.05", "3.05", "USDT"],
      ["61000", "0.05", "3.05", "USDT"],
    ]);
    expect(bal("USDT").free).toBe("16093.9");
    expect(bal("BTC")).toMatchObject({ free: "0.4", locked: "0" });
  });
});

describe("stop orders through ccxt's unified createOrder", () => {
  it("rests a STOP_LOSS_LIMIT untriggered with the base locked, triggers it along the path and fills it", async () => {
    const ex = await raw();
    const placed = await ex.createOrder(SYMBOL, "limit", "sell", 0.1, 54900, { stopLossPrice: 55000, clientOrderId: "sl-1" });
    expect(placed).toMatchObject({ status: "open", triggerPrice: 55000, price: 54900 });
    expect(placed.info).toMatchObject({ type: "STOP_LOSS_LIMIT", stopPrice: "55000.00000000", timeInForce: "GTC" });
    expect(bal("BTC")).toMatchObject({ free: "0.4", locked: "0.1" });

    sim.walkPrice("BTCUSDT", ["58000", "56000", "55001"]);
    const waiting = await ex.fetchOrder(String(placed.id), SYMBOL);
    expect(waiting.status).toBe("open");
    expect(waiting.info).toMatchObject({ status: "NEW", isWorking: false, workingTime: -1 });

    // 54950 reaches the stop; the limit (54900) lets the sell fill at once, at the market.
    sim.walkPrice("BTCUSDT", ["54950"]);
    const done = await ex.fetchOrder(String(placed.id), SYMBOL);
    expect(done).toMatchObject({ status: "closed", filled: 0.1, average: 54950 });
    expect(bal("BTC")).toMatchObject({ free: "0.4", locked: "0" });
    expect(bal("USDT").free).toBe("15489.505");
  });

  it("a gap through the stop leaves the limit resting until the price comes back to it", async () => {
    const ex = await raw();
    await ex.createOrder(SYMBOL, "limit", "sell", 0.1, 54900, { triggerPrice: 55000, clientOrderId: "sl-gap" });
    sim.walkPrice("BTCUSDT", ["54000"]);
    expect(simOrder("sl-gap")).toMatchObject({ status: "NEW", triggered: true });
    expect((await ex.fetchOrder(undefined as unknown as string, SYMBOL, { clientOrderId: "sl-gap" })).info).toMatchObject({ status: "NEW", isWorking: true });
    sim.walkPrice("BTCUSDT", ["54500", "54900"]);
    expect(simOrder("sl-gap").status).toBe("FILLED");
    expect(simOrder("sl-gap").fills.map((f) => [f.price, f.maker])).toEqual([["54900", true]]);
  });

  it("TAKE_PROFIT_LIMIT and stop-market orders, and refuses a stop that would trigger at once", async () => {
    const ex = await raw();
    await ex.createOrder(SYMBOL, "limit", "sell", 0.05, 61900, { takeProfitPrice: 62000, clientOrderId: "tp-1" });
    await ex.createOrder(SYMBOL, "market", "sell", 0.05, undefined, { stopLossPrice: 58000, clientOrderId: "slm-1" });
    expect(simOrder("tp-1")).toMatchObject({ type: "TAKE_PROFIT_LIMIT", status: "NEW" });
    expect(simOrder("slm-1")).toMatchObject({ type: "STOP_LOSS", status: "NEW" });
    expect(bal("BTC")).toMatchObject({ free: "0.4", locked: "0.1" });

    sim.walkPrice("BTCUSDT", ["61000", "62100"]);
    expect(simOrder("tp-1").status).toBe("FILLED");
    expect(simOrder("tp-1").fills.map((f) => f.price)).toEqual(["62100"]);
    sim.walkPrice("BTCUSDT", ["59000", "57500"]);
    expect((await ex.fetchOrder(undefined as unknown as string, SYMBOL, { clientOrderId: "slm-1" })).status).toBe("closed");
    expect(simOrder("slm-1").fills.map((f) => f.price)).toEqual(["57500"]);
    expect(bal("BTC")).toMatchObject({ free: "0.4", locked: "0" });

    const refused = await failure(ex.createOrder(SYMBOL, "limit", "sell", 0.05, 57000, { stopLossPrice: 58000 }));
    expect(classes(refused)).toContain("OrderImmediatelyFillable");
    expect(refused.message).toContain("Stop price would trigger immediately.");
  });
});

describe("OCO order lists", () => {
  const ocoSell = (tag: string) => ({
    symbol: "BTCUSDT",
    side: "SELL",
    quantity: "0.1",
    listClientOrderId: `oco-list-${tag}`,
    aboveType: "LIMIT_MAKER",
    abovePrice: "65000",
    aboveClientOrderId: `oco-tp-${tag}`,
    belowType: "STOP_LOSS_LIMIT",
    belowStopPrice: "55000",
    belowPrice: "54900",
    belowTimeInForce: "GTC",
    belowClientOrderId: `oco-sl-${tag}`,
  });

  it("places an OCO (POST /api/v3/orderList/oco) with one lock; the take-profit fills and the stop leg EXPIRES", async () => {
    const ex = await raw();
    const placed = await ex.call("privatePostOrderListOco", ocoSell("a"));
    expect(placed).toMatchObject({ contingencyType: "OCO", listStatusType: "EXEC_STARTED", listOrderStatus: "EXECUTING", listClientOrderId: "oco-list-a" });
    expect(placed.orders).toEqual([
      expect.objectContaining({ clientOrderId: "oco-sl-a" }),
      expect.objectContaining({ clientOrderId: "oco-tp-a" }),
    ]);
    expect(placed.orderReports).toEqual([
      expect.objectContaining({ type: "STOP_LOSS_LIMIT", status: "NEW", stopPrice: "55000.00000000", workingTime: -1 }),
      expect.objectContaining({ type: "LIMIT_MAKER", status: "NEW", price: "65000.00000000" }),
    ]);
    // The quantity is locked once for both legs.
    expect(bal("BTC")).toMatchObject({ free: "0.4", locked: "0.1" });
    const app = await client();
    expect((await app.openOrders(SYMBOL)).map((o) => o.clientOrderId).sort()).toEqual(["oco-sl-a", "oco-tp-a"]);

    sim.walkPrice("BTCUSDT", ["62000", "64999.99", "65000"]);
    expect(await app.findOrderByClientId("oco-tp-a", SYMBOL)).toMatchObject({ status: "filled", filled: "0.1", average: "65000" });
    expect(await app.findOrderByClientId("oco-sl-a", SYMBOL)).toMatchObject({ status: "expired", filled: "0" });
    const tp = await ex.fetchOrder(undefined as unknown as string, SYMBOL, { clientOrderId: "oco-tp-a" });
    const sl = await ex.fetchOrder(undefined as unknown as string, SYMBOL, { clientOrderId: "oco-sl-a" });
    expect([tp.status, sl.status]).toEqual(["closed", "expired"]);
    expect(tp.info.orderListId).toBe(placed.orderListId);
    expect(sl.info.orderListId).toBe(placed.orderListId);
    expect(bal("BTC")).toMatchObject({ free: "0.4", locked: "0" });
    expect(bal("USDT")).toMatchObject({ free: "16493.5", locked: "0" });

    const list = await ex.call("privateGetOrderList", { origClientOrderId: "oco-list-a" });
    expect(list).toMatchObject({ orderListId: placed.orderListId, listStatusType: "ALL_DONE", listOrderStatus: "ALL_DONE" });
    // Lower the price through the expired stop: nothing happens.
    sim.walkPrice("BTCUSDT", ["54000"]);
    expect(bal("BTC").total).toBe("0.4");
  });

  it("the deprecated POST /api/v3/order/oco: the stop triggers and fills, the LIMIT_MAKER leg EXPIRES", async () => {
    const ex = await raw();
    const placed = await ex.call("privatePostOrderOco", {
      symbol: "BTCUSDT",
      side: "SELL",
      quantity: "0.1",
      price: "65000",
      stopPrice: "55000",
      stopLimitPrice: "54900",
      stopLimitTimeInForce: "GTC",
      listClientOrderId: "legacy-list",
      limitClientOrderId: "legacy-tp",
      stopClientOrderId: "legacy-sl",
    });
    expect(placed.orderReports).toEqual([
      expect.objectContaining({ clientOrderId: "legacy-sl", type: "STOP_LOSS_LIMIT" }),
      expect.objectContaining({ clientOrderId: "legacy-tp", type: "LIMIT_MAKER" }),
    ]);
    sim.walkPrice("BTCUSDT", ["57000", "54950"]);
    const app = await client();
    expect(await app.findOrderByClientId("legacy-sl", SYMBOL)).toMatchObject({ status: "filled", average: "54950" });
    expect(await app.findOrderByClientId("legacy-tp", SYMBOL)).toMatchObject({ status: "expired" });
    expect(bal("BTC")).toMatchObject({ free: "0.4", locked: "0" });
    expect(bal("USDT").free).toBe("15489.505");
  });

  it("canceling one leg cancels the list; DELETE /api/v3/orderList cancels a list by its client id", async () => {
    const ex = await raw();
    const app = await client();
    await ex.call("privatePostOrderListOco", ocoSell("b"));
    const tp = await app.findOrderByClientId("oco-tp-b", SYMBOL);
    expect((await app.cancelOrder(tp!.id, SYMBOL)).status).toBe("canceled");
    expect(await app.findOrderByClientId("oco-sl-b", SYMBOL)).toMatchObject({ status: "canceled" });
    expect(bal("BTC")).toMatchObject({ free: "0.5", locked: "0" });
    expect(await ex.call("privateGetOrderList", { origClientOrderId: "oco-list-b" })).toMatchObject({ listOrderStatus: "ALL_DONE" });

    // The list client id and the legs' ids may be used again once the list is done.
    await ex.call("privatePostOrderListOco", ocoSell("b"));
    const canceled = await ex.call("privateDeleteOrderList", { symbol: "BTCUSDT", listClientOrderId: "oco-list-b" });
    expect(canceled.orderReports).toEqual([
      expect.objectContaining({ clientOrderId: "oco-sl-b", status: "CANCELED" }),
      expect.objectContaining({ clientOrderId: "oco-tp-b", status: "CANCELED" }),
    ]);
    expect(bal("BTC")).toMatchObject({ free: "0.5", locked: "0" });
    expect(await app.openOrders(SYMBOL)).toEqual([]);
  });

  it("a buy OCO locks the quote at the higher leg once; the stop leg triggering takes the lock over", async () => {
    const ex = await raw();
    await ex.call("privatePostOrderListOco", {
      symbol: "BTCUSDT",
      side: "BUY",
      quantity: "0.05",
      aboveType: "STOP_LOSS_LIMIT",
      aboveStopPrice: "62000",
      abovePrice: "62100",
      aboveTimeInForce: "GTC",
      aboveClientOrderId: "buy-sl",
      belowType: "LIMIT_MAKER",
      belowPrice: "58000",
      belowClientOrderId: "buy-tp",
    });
    expect(bal("USDT")).toMatchObject({ free: "6895", locked: "3105" });
    sim.walkPrice("BTCUSDT", ["61000", "62050"]);
    expect(simOrder("buy-sl")).toMatchObject({ status: "FILLED" });
    expect(simOrder("buy-tp")).toMatchObject({ status: "EXPIRED" });
    expect(bal("USDT")).toMatchObject({ free: "6897.5", locked: "0" });
    expect(bal("BTC").total).toBe("0.54995");
  });

  it("refuses legs on the wrong side of the price, and missing leg parameters", async () => {
    const ex = await raw();
    const wrong = await failure(ex.call("privatePostOrderListOco", { ...ocoSell("c"), abovePrice: "59000" }));
    expect(classes(wrong)).toContain("InvalidOrder");
    expect(wrong.message).toContain("The relationship of the prices for the orders is not correct.");
    const { belowTimeInForce: _, ...noTif } = ocoSell("c");
    const missing = await failure(ex.call("privatePostOrderListOco", noTif));
    expect(classes(missing)).toContain("BadRequest");
    expect(missing.message).toContain("Mandatory parameter 'belowTimeInForce'");
    expect(sim.account(KEY).orders).toEqual([]);
    expect(bal("BTC")).toMatchObject({ free: "0.5", locked: "0" });
  });
});

describe("request weight", () => {
  it("reports the used weight, answers 429 past the limit and 418 to a client that keeps going", async () => {
    const ex = await raw(); // exchangeInfo: 20
    expect(ex.header("X-MBX-USED-WEIGHT-1M")).toBe("20");
    await ex.fetchBalance(); // account: 20
    expect(ex.header("X-MBX-USED-WEIGHT-1M")).toBe("40");
    await ex.fetchOpenOrders(SYMBOL); // openOrders with a symbol: 6
    expect(ex.header("X-MBX-USED-WEIGHT-1M")).toBe("46");

    sim.setWeightLimit(100, { banAfter: 2, banSeconds: 120 });
    await ex.fetchBalance();
    await ex.fetchBalance();
    expect(sim.usedWeight()).toBe(86);
    const limited = await failure(ex.fetchBalance());
    expect(classes(limited)).toContain("DDoSProtection");
    expect(limited.message).toContain("429");
    expect(limited.message).toContain("-1003");
    const retryAfter = Number(ex.header("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(ex.header("X-MBX-USED-WEIGHT-1M")).toBe("86"); // refused requests add nothing
    // Two more requests after the first 429 are still answered 429; the next one gets the IP banned.
    for (let i = 0; i < 2; i++) expect((await failure(ex.fetchBalance())).message).toContain("429");
    const banned = await failure(ex.fetchBalance());
    expect(classes(banned)).toContain("DDoSProtection");
    expect(banned.message).toContain("418");
    expect(ex.header("Retry-After")).toBe("120");
    // The app's adapter maps the ban to rate_limited with the Retry-After seconds.
    const app = await client();
    const mapped = await failure(app.balance());
    expect(mapped).toBeInstanceOf(ExchangeError);
    expect((mapped as ExchangeError).code).toBe("rate_limited");
    expect((mapped as ExchangeError).retryAfterSeconds).toBeGreaterThan(100);

    sim.advanceClock(121_000);
    await ex.fetchBalance();
    expect(ex.header("X-MBX-USED-WEIGHT-1M")).toBe("20");
  });

  it("is counted per IP across keys, and the default limit is Binance's 6000", async () => {
    sim.addAccount({ apiKey: "second-key-0000", secret: "second-secret-0000" });
    const first = await raw();
    await first.fetchBalance();
    const second = await raw({ key: "second-key-0000", secret: "second-secret-0000" });
    await second.fetchBalance();
    expect(second.header("X-MBX-USED-WEIGHT-1M")).toBe("80");
    const state = (await (await fetch(`${url}/__sim/state`)).json()) as { weight: { used: number; limit: number } };
    expect(state.weight).toMatchObject({ used: 80, limit: 6000 });
  });
});

describe("mandatory parameters", () => {
  it("answers -1102 for a missing quantity, price, stopPrice or timeInForce, and books nothing", async () => {
    const ex = await raw();
    const base = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", price: "50000", quantity: "0.01" };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, quantity: undefined }, "quantity"],
      [{ ...base, price: undefined }, "price"],
      [{ ...base, timeInForce: undefined }, "timeInForce"],
      [{ ...base, type: "STOP_LOSS_LIMIT", stopPrice: undefined }, "stopPrice"],
      [{ ...base, type: "MARKET", price: undefined, timeInForce: undefined, quantity: undefined }, "quantity"],
    ];
    for (const [params, name] of cases) {
      const sent = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
      const error = await failure(ex.call("privatePostOrder", sent));
      expect(classes(error)).toContain("BadRequest");
      expect(error.message).toContain('"code":-1102');
      expect(error.message).toContain(`Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
    }
    expect(sim.account(KEY).orders).toEqual([]);
    // ccxt's unified limit order sends timeInForce=GTC itself.
    const ok = await ex.createOrder(SYMBOL, "limit", "buy", 0.01, 50000, { clientOrderId: "tif-default" });
    expect(ok.info).toMatchObject({ timeInForce: "GTC", status: "NEW" });
  });
});

describe("control routes", () => {
  it("set depth, walk the price, fill ratio, weight limit and clock over HTTP, and show order lists in the state", async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${url}${path}`, { method: "POST", body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const ex = await raw();
    await post("/__sim/depth", { symbol: "BTCUSDT", qtyPerLevel: "0.01", levels: 2 });
    const walked = await ex.createOrder(SYMBOL, "market", "buy", 0.05, undefined, { clientOrderId: "ctl-buy" });
    expect(walked.status).toBe("expired");
    await post("/__sim/depth", { symbol: "BTCUSDT" }); // no levels: back to no depth
    await ex.call("privatePostOrderListOco", {
      symbol: "BTCUSDT",
      side: "SELL",
      quantity: "0.1",
      listClientOrderId: "ctl-list",
      aboveType: "LIMIT_MAKER",
      abovePrice: "63000",
      belowType: "STOP_LOSS_LIMIT",
      belowStopPrice: "57000",
      belowPrice: "56900",
      belowTimeInForce: "GTC",
    });
    await post("/__sim/fill-ratio", { symbol: "BTCUSDT", ratio: "0.5" });
    await post("/__sim/walk", { symbol: "BTCUSDT", prices: ["62000", "63000"] });
    await post("/__sim/weight", { limit: 5000, banAfter: 3 });
    await post("/__sim/clock", { advanceMs: 61_000 });
    const state = (await (await fetch(`${url}/__sim/state`)).json()) as {
      prices: Record<string, string>;
      weight: { used: number; limit: number; banAfter: number };
      fillRatios: Record<string, string>;
      accounts: { orders: { clientOrderId: string; type: string; status: string; orderListId: number }[]; orderLists: { listClientOrderId: string; listOrderStatus: string }[] }[];
    };
    expect(state.prices.BTCUSDT).toBe("63000");
    expect(state.fillRatios).toEqual({ BTCUSDT: "0.5" });
    expect(state.weight).toMatchObject({ used: 0, limit: 5000, banAfter: 3 });
    const account = state.accounts[0]!;
    expect(account.orderLists).toEqual([expect.objectContaining({ listClientOrderId: "ctl-list", listOrderStatus: "EXECUTING" })]);
    expect(account.orders.filter((o) => o.orderListId !== -1).map((o) => [o.type, o.status])).toEqual([
      ["STOP_LOSS_LIMIT", "EXPIRED"],
      ["LIMIT_MAKER", "PARTIALLY_FILLED"],
    ]);
  });
});
