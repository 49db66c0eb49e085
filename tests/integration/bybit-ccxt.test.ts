import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCcxtClient, loadExchangeClass } from "@/lib/exchanges/ccxt-adapter";
import { refusesKey } from "@/lib/exchanges/key-permissions";
import { ExchangeError, isUnknownOutcome, type ExchangeClient } from "@/lib/exchanges/types";
import { BybitSimulator } from "../simulator/bybit-simulator";

// ccxt's real bybit class (unified trading account, spot), pointed at the local simulator.
const sim = new BybitSimulator();
let url = "";
const KEY = "bybit-sim-key-AAAA1111";
const SECRET = "bybit-sim-secret-BBBB2222";

async function client(opts: { key?: string; secret?: string; timeoutMs?: number } = {}): Promise<ExchangeClient> {
  return createCcxtClient({
    exchange: "bybit",
    marketType: "spot",
    sandbox: false,
    credentials: { apiKey: opts.key ?? KEY, secret: opts.secret ?? SECRET },
    apiOverride: url,
    timeoutMs: opts.timeoutMs ?? 5_000,
  });
}

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExchangeError);
  expect((error as ExchangeError).code).toBe(code);
  return error as ExchangeError;
}

const sent = (path: string) => sim.requests.filter((r) => r.path === path);

beforeAll(async () => {
  url = await sim.start();
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.reset();
  sim.addAccount({ apiKey: KEY, secret: SECRET, balances: { USDT: "10000", BTC: "0.5" } });
});

describe("ccxt bybit (v5 unified account, spot) against the simulator", () => {
  it("signs as Bybit's v5 guide says: hex HMAC-SHA256 of timestamp + key + recv window + query or body", async () => {
    // The inputs of the guide's GET and POST examples (the guide prints no signature: these were computed
    // with `openssl dgst -sha256 -hmac`, an implementation independent of both the simulator and ccxt).
    const [key, secret] = ["XXXXXXXXXX", "YYYYYYYYYYYYYYYYYYYY"];
    const query = "category=option&symbol=BTC-29JUL22-25000-C";
    expect(BybitSimulator.sign(secret, "1658384314791", key, "5000", query)).toBe("eb76ae84c68c8a735a44a94eceec4900c8ee81dddb875888bb889bd0990bfd27");
    const body = '{"category":"spot","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.1","price":"15600","orderLinkId":"spot-test-01"}';
    expect(BybitSimulator.sign(secret, "1672211928338", key, "5000", body)).toBe("5ce22c9da4e5980b42cbe815d34feb05506509087700d55802b2e6fbb998c72d");

    // ccxt's own signer gives the same headers for the same request.
    const Bybit = await loadExchangeClass("bybit");
    const ex = new Bybit({ apiKey: key, secret });
    (ex as unknown as { nonce: () => number }).nonce = () => 1658384314791;
    const signed = ex.sign("v5/order/realtime", "private", "GET", { category: "option", symbol: "BTC-29JUL22-25000-C" }) as { url: string; headers: Record<string, string> };
    expect(signed.url.endsWith(`?${query}`)).toBe(true);
    expect(signed.headers).toMatchObject({
      "X-BAPI-API-KEY": key,
      "X-BAPI-TIMESTAMP": "1658384314791",
      "X-BAPI-RECV-WINDOW": "5000",
      "X-BAPI-SIGN": "eb76ae84c68c8a735a44a94eceec4900c8ee81dddb875888bb889bd0990bfd27",
    });
  });

  it("maps an unknown key (10003) and a bad signature (10004) to auth, never echoing the secret", async () => {
    await expectCode((await client({ key: "nope-key" })).balance(), "auth");
    const bad = await expectCode((await client({ secret: "wrong-secret-value" })).balance(), "auth");
    expect(bad.message).toContain("10004");
    expect(bad.message).not.toContain("wrong-secret-value");
  });

  it("loads spot markets with precision and limits, and reads the unified wallet", async () => {
    // A fresh market cache (it is keyed by the override URL), so the markets are really loaded here.
    const ex = await createCcxtClient({ exchange: "bybit", marketType: "spot", sandbox: false, credentials: { apiKey: KEY, secret: SECRET }, apiOverride: `${url}/` });
    expect(await ex.market("BTC/USDT")).toMatchObject({ id: "BTCUSDT", base: "BTC", quote: "USDT", amountStep: "0.000001", priceStep: "0.01", minAmount: "0.000048", minCost: "1" });
    // Only spot instruments were asked for.
    expect(sent("/v5/market/instruments-info").map((r) => r.query)).toEqual(["category=spot"]);
    const balance = await ex.balance();
    expect(balance.find((b) => b.asset === "USDT")).toMatchObject({ free: "10000", used: "0", total: "10000" });
    expect(balance.find((b) => b.asset === "BTC")?.total).toBe("0.5");
    expect(sent("/v5/account/wallet-balance")[0]?.query).toContain("accountType=UNIFIED");
    expect((await ex.ticker("BTC/USDT")).last).toBe("60000");
  });

  it("places a market buy under our orderLinkId, reads its fill back and finds it by that id", async () => {
    const ex = await client();
    const order = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "sbbybit0001" });
    expect(JSON.parse(sent("/v5/order/create")[0]!.body)).toMatchObject({ category: "spot", symbol: "BTCUSDT", side: "Buy", orderType: "Market", marketUnit: "baseCoin", qty: "0.01", orderLinkId: "sbbybit0001" });
    // Bybit acknowledges with the ids only; the adapter reads the fill and its fee back.
    expect(order).toMatchObject({ status: "filled", clientOrderId: "sbbybit0001", amount: "0.01", filled: "0.01", average: "60000", cost: "600", fee: { cost: "0.00001", currency: "BTC" } });
    const found = await ex.findOrderByClientId("sbbybit0001", "BTC/USDT");
    expect(found).toMatchObject({ id: order.id, status: "filled" });
    expect(await ex.findOrderByClientId("sb-never-sent", "BTC/USDT")).toBeNull();
    const balance = await ex.balance();
    expect(balance.find((b) => b.asset === "USDT")?.free).toBe("9400");
    expect(balance.find((b) => b.asset === "BTC")?.total).toBe("0.50999");
    // The same orderLinkId again is refused by the venue (170141).
    await expectCode(ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "sbbybit0001" }), "invalid_order");
  });

  it("resolves a lost answer by client order id: the market order filled, the limit order rests", async () => {
    const ex = await client({ timeoutMs: 400 });
    await ex.markets();
    sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 });
    const lost = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.02", clientOrderId: "sblostmkt" }).catch((e: unknown) => e);
    expect(isUnknownOutcome(lost)).toBe(true);
    expect(await ex.findOrderByClientId("sblostmkt", "BTC/USDT")).toMatchObject({ status: "filled", filled: "0.02", clientOrderId: "sblostmkt" });

    sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 });
    const lostLimit = await ex
      .createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.01", price: "50000", clientOrderId: "sblostlim" })
      .catch((e: unknown) => e);
    expect(isUnknownOutcome(lostLimit)).toBe(true);
    expect(await ex.findOrderByClientId("sblostlim", "BTC/USDT")).toMatchObject({ status: "open", filled: "0", price: "50000" });
    // Found in the open list by orderLinkId, and in the history list once it has filled.
    expect(sent("/v5/order/realtime").some((r) => r.query.includes("orderLinkId=sblostlim"))).toBe(true);
    sim.setPrice("BTCUSDT", "49000");
    expect(await ex.findOrderByClientId("sblostlim", "BTC/USDT")).toMatchObject({ status: "filled", average: "50000", fee: { cost: "0.00001", currency: "BTC" } });
    expect(sent("/v5/order/history").some((r) => r.query.includes("orderLinkId=sblostlim"))).toBe(true);
  });

  it("reads fees from the execution list when the order answer carries none", async () => {
    sim.omitFeeDetail = true;
    const ex = await client();
    await ex.createOrder({ symbol: "BTC/USDT", side: "sell", type: "market", amount: "0.1", clientOrderId: "sbsell1" });
    const found = await ex.findOrderByClientId("sbsell1", "BTC/USDT");
    expect(found).toMatchObject({ status: "filled", cost: "6000", fee: { cost: "6", currency: "USDT" } });
    expect(sent("/v5/execution/list").length).toBeGreaterThan(0);
  });

  it("reads the key's permissions from /v5/user/query-api", async () => {
    sim.addAccount({ apiKey: "wd-key-0001", secret: "wd-secret-0001", canWithdraw: true });
    sim.addAccount({ apiKey: "ro-key-0001", secret: "ro-secret-0001", readOnly: true, ips: ["203.0.113.7"] });
    const tradeOnly = await (await client()).keyPermissions();
    expect(tradeOnly).toEqual({ withdrawals: false, trading: true, ipRestricted: false });
    expect(refusesKey(tradeOnly)).toBe(false);
    const withdrawing = await (await client({ key: "wd-key-0001", secret: "wd-secret-0001" })).keyPermissions();
    expect(withdrawing.withdrawals).toBe(true);
    expect(refusesKey(withdrawing)).toBe(true);
    expect(await (await client({ key: "ro-key-0001", secret: "ro-secret-0001" })).keyPermissions()).toEqual({ withdrawals: false, trading: false, ipRestricted: true });
  });

  it("maps insufficient balance, missing permission, rate limits and outages to our reasons", async () => {
    const ex = await client();
    await ex.markets();
    const poor = await expectCode(ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "1", clientOrderId: "sbbig" }), "insufficient_funds");
    expect(poor.message).toContain("170131");
    sim.addAccount({ apiKey: "ro-key-0002", secret: "ro-secret-0002", readOnly: true });
    const readOnly = await client({ key: "ro-key-0002", secret: "ro-secret-0002" });
    await expectCode(readOnly.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "sbro" }), "permission");

    sim.injectFault({ kind: "rate-limit", resetInMs: 3_000, path: "/v5/account/wallet-balance" });
    const limited = await expectCode(ex.balance(), "rate_limited");
    expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(2);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(3);
    sim.injectFault({ kind: "status", status: 500, path: "/v5/account/wallet-balance" });
    await expectCode(ex.balance(), "exchange_down");
    sim.injectFault({ kind: "status", status: 502, path: "/v5/account/wallet-balance" });
    await expectCode(ex.balance(), "exchange_down");
    expect((await ex.balance()).find((b) => b.asset === "USDT")?.free).toBe("10000");
  });
});
