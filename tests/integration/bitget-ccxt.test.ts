import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCcxtClient, loadExchangeClass } from "@/lib/exchanges/ccxt-adapter";
import { refusesKey } from "@/lib/exchanges/key-permissions";
import { ExchangeError, type ExchangeClient } from "@/lib/exchanges/types";
import { BitgetSimulator } from "../simulator/bitget-simulator";

// ccxt's real bitget class (classic v2 account, spot), pointed at the local simulator.
const sim = new BitgetSimulator();
let url = "";
const KEY = "bg_sim_key_AAAA1111";
const SECRET = "bitget-sim-secret-BBBB2222";
const PASSPHRASE = "bitget-sim-pass-CCCC";

async function client(opts: { key?: string; secret?: string; password?: string; timeoutMs?: number; override?: string } = {}): Promise<ExchangeClient> {
  return createCcxtClient({
    exchange: "bitget",
    marketType: "spot",
    sandbox: false,
    credentials: { apiKey: opts.key ?? KEY, secret: opts.secret ?? SECRET, password: opts.password ?? PASSPHRASE },
    apiOverride: opts.override ?? url,
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
const PLACE = "/api/v2/spot/trade/place-order";

beforeAll(async () => {
  url = await sim.start();
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.reset();
  sim.addAccount({ apiKey: KEY, secret: SECRET, passphrase: PASSPHRASE, balances: { USDT: "10000", BTC: "0.5" } });
});

describe("ccxt bitget (v2 classic account, spot) against the simulator", () => {
  it("signs as Bitget's guide says: base64 HMAC-SHA256 of timestamp + method + path + ?query + body", async () => {
    // The guide's inputs (timestamp and place-order body from its curl examples; it prints no signature:
    // these were computed with `openssl dgst -sha256 -hmac … -binary | base64`, independent of both the
    // simulator and ccxt).
    const [key, secret, passphrase] = ["bg_XXXXXXXXXX", "YYYYYYYYYYYYYYYYYYYY", "ZZZZZZ"];
    expect(BitgetSimulator.sign(secret, "1659076670000", "GET", "/api/v2/spot/trade/orderInfo", "clientOid=121211212122", "")).toBe(
      "JmHNFqT11uRi6dVsExNTIhov6P2V30X4PUQLWWe1fts=",
    );
    const body = '{"symbol":"BTCUSDT","side":"buy","orderType":"limit","force":"gtc","price":"23222.5","size":"1","clientOid":"121211212122"}';
    expect(BitgetSimulator.sign(secret, "1659076670000", "POST", "/api/v2/spot/trade/place-order", "", body)).toBe("0AVMvBzkw1JjM/qYycX7qt1hWDVy/hI7muJSUXAXQKg=");

    // ccxt's own signer gives the same headers for the same requests.
    const Bitget = await loadExchangeClass("bitget");
    const ex = new Bitget({ apiKey: key, secret, password: passphrase });
    (ex as unknown as { nonce: () => number }).nonce = () => 1659076670000;
    const get = ex.sign("v2/spot/trade/orderInfo", ["private", "spot"], "GET", { clientOid: "121211212122" }) as { url: string; headers: Record<string, string> };
    expect(get.url.endsWith("/api/v2/spot/trade/orderInfo?clientOid=121211212122")).toBe(true);
    expect(get.headers).toMatchObject({ "ACCESS-KEY": key, "ACCESS-TIMESTAMP": "1659076670000", "ACCESS-PASSPHRASE": passphrase, "ACCESS-SIGN": "JmHNFqT11uRi6dVsExNTIhov6P2V30X4PUQLWWe1fts=" });
    const post = ex.sign("v2/spot/trade/place-order", ["private", "spot"], "POST", JSON.parse(body) as Record<string, unknown>) as { body: string; headers: Record<string, string> };
    expect(post.body).toBe(body);
    expect(post.headers["ACCESS-SIGN"]).toBe("0AVMvBzkw1JjM/qYycX7qt1hWDVy/hI7muJSUXAXQKg=");
  });

  it("loads spot markets with precision and limits, reads the assets, never asks whether the account is UTA", async () => {
    // A fresh market cache (it is keyed by the override URL), so the markets are really loaded here.
    const ex = await client({ override: `${url}/` });
    expect(await ex.market("BTC/USDT")).toMatchObject({ id: "BTCUSDT", base: "BTC", quote: "USDT", amountStep: "0.000001", priceStep: "0.01", minCost: "1" });
    expect(sent("/api/v2/spot/public/symbols").length).toBe(1);
    expect(sim.requests.some((r) => r.path.startsWith("/api/v2/mix/") || r.path.startsWith("/api/v3/"))).toBe(false);
    const balance = await ex.balance();
    expect(balance.find((b) => b.asset === "USDT")).toMatchObject({ free: "10000", used: "0", total: "10000" });
    expect(balance.find((b) => b.asset === "BTC")?.total).toBe("0.5");
    expect((await ex.ticker("BTC/USDT")).last).toBe("60000");
  });

  it("maps an unknown key (40006), a bad signature (40009) and a wrong passphrase (40012) to auth, never echoing secrets", async () => {
    const unknown = await expectCode((await client({ key: "bg_nope" })).balance(), "auth");
    expect(unknown.message).toContain("40006");
    const bad = await expectCode((await client({ secret: "wrong-secret-value" })).balance(), "auth");
    expect(bad.message).toContain("40009");
    expect(bad.message).not.toContain("wrong-secret-value");
    const pass = await expectCode((await client({ password: "wrong-passphrase" })).balance(), "auth");
    expect(pass.message).toContain("40012");
    expect(pass.message).not.toContain("wrong-passphrase");
  });

  it("sends a market buy by amount without a price as its cost in quote, under our clientOid, and reads its fill and fee back", async () => {
    const ex = await client();
    // No referencePrice: the cost comes from the ticker (60000): 0.01 BTC costs 600 USDT.
    const order = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "sbbitget0001" });
    expect(JSON.parse(sent(PLACE)[0]!.body)).toEqual({ symbol: "BTCUSDT", orderType: "market", side: "buy", force: "GTC", size: "600", clientOid: "sbbitget0001" });
    expect(order).toMatchObject({ status: "filled", clientOrderId: "sbbitget0001", amount: "0.01", filled: "0.01", average: "60000", cost: "600", fee: { cost: "0.00001", currency: "BTC" } });
    const balance = await ex.balance();
    expect(balance.find((b) => b.asset === "USDT")?.free).toBe("9400");
    expect(balance.find((b) => b.asset === "BTC")?.total).toBe("0.50999");

    // With the signal's price, the cost is amount × that price, cut to the market's price step (0.01).
    await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.000123", referencePrice: "60001.27", clientOrderId: "sbbitget0002" });
    expect(JSON.parse(sent(PLACE)[1]!.body).size).toBe("7.38");
    // The same clientOid again is refused by the venue.
    await expectCode(ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "sbbitget0001" }), "invalid_order");
  });

  it("finds orders by clientOid: open through order info, finished through the history list; unknown is null", async () => {
    const ex = await client();
    await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.01", price: "50000", clientOrderId: "sbrest1" });
    expect(await ex.findOrderByClientId("sbrest1", "BTC/USDT")).toMatchObject({ status: "open", filled: "0", price: "50000", amount: "0.01" });
    expect(sent("/api/v2/spot/trade/orderInfo").at(-1)?.query).toBe("clientOid=sbrest1");
    sim.setPrice("BTCUSDT", "49000");
    // Bitget answers a clientOid only while the order is unfilled: the filled one comes from the history.
    expect(await ex.findOrderByClientId("sbrest1", "BTC/USDT")).toMatchObject({ status: "filled", average: "50000", cost: "500", fee: { cost: "0.00001", currency: "BTC" } });
    expect(sent("/api/v2/spot/trade/history-orders").length).toBe(1);
    expect(await ex.findOrderByClientId("sb-never-sent", "BTC/USDT")).toBeNull();
  });

  it("rests limit orders, cancels one, cancels all for the symbol, and lists the history", async () => {
    const ex = await client();
    const a = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.01", price: "55000", clientOrderId: "sblim1" });
    const b = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.01", price: "50000", clientOrderId: "sblim2" });
    await ex.createOrder({ symbol: "BTC/USDT", side: "sell", type: "limit", amount: "0.1", price: "70000", clientOrderId: "sblim3" });
    await ex.createOrder({ symbol: "ETH/USDT", side: "buy", type: "limit", amount: "0.1", price: "2000", clientOrderId: "sbeth1" });
    expect(a).toMatchObject({ status: "open", price: "55000", amount: "0.01" });
    expect((await ex.openOrders("BTC/USDT")).map((o) => `${o.clientOrderId}:${o.price}`).sort()).toEqual(["sblim1:55000", "sblim2:50000", "sblim3:70000"]);
    expect((await ex.balance()).find((l) => l.asset === "USDT")?.used).toBe("1250");

    const canceled = await ex.cancelOrder(b.id, "BTC/USDT");
    expect(canceled).toMatchObject({ id: b.id, status: "canceled", clientOrderId: "sblim2" });
    expect(await ex.cancelAllOrders("BTC/USDT")).toBe(2);
    expect(sent("/api/v2/spot/trade/cancel-symbol-order").length).toBe(1);
    expect(await ex.openOrders("BTC/USDT")).toEqual([]);
    expect((await ex.openOrders("ETH/USDT")).map((o) => o.clientOrderId)).toEqual(["sbeth1"]);
    expect(await ex.cancelAllOrders("BTC/USDT")).toBe(0);
    const history = await ex.orderHistory({ symbol: "BTC/USDT" });
    expect(history.map((o) => `${o.clientOrderId}:${o.status}`).sort()).toEqual(["sblim1:canceled", "sblim2:canceled", "sblim3:canceled"]);
    await expectCode(ex.cancelOrder(a.id, "BTC/USDT"), "order_not_found");
    expect((await ex.balance()).find((l) => l.asset === "USDT")?.used).toBe("200");
  });

  it("reads a partial fill's fee from the fills list when the order answer carries none", async () => {
    sim.omitFeeDetail = true;
    const ex = await client();
    await ex.createOrder({ symbol: "BTC/USDT", side: "sell", type: "limit", amount: "0.2", price: "61000", clientOrderId: "sbpart" });
    sim.fillPart(KEY, "sbpart", "0.05");
    const found = await ex.findOrderByClientId("sbpart", "BTC/USDT");
    expect(found).toMatchObject({ status: "partially_filled", filled: "0.05", fee: { cost: "3.05", currency: "USDT" } });
    const fills = sent("/api/v2/spot/trade/fills");
    expect(fills.length).toBe(1);
    expect(fills[0]!.query).toContain(`orderId=${sim.account(KEY).orders[0]!.orderId}`);
  });

  it("reads the key's permissions from /api/v2/spot/account/info and refuses a withdraw-capable key", async () => {
    sim.addAccount({ apiKey: "bg_wd", secret: "wd-secret-0001", passphrase: "wd-pass", canWithdraw: true });
    sim.addAccount({ apiKey: "bg_ro", secret: "ro-secret-0001", passphrase: "ro-pass", readOnly: true, ips: "203.0.113.7" });
    const tradeOnly = await (await client()).keyPermissions();
    expect(tradeOnly).toEqual({ withdrawals: false, trading: true, ipRestricted: false });
    expect(refusesKey(tradeOnly)).toBe(false);
    const withdrawing = await (await client({ key: "bg_wd", secret: "wd-secret-0001", password: "wd-pass" })).keyPermissions();
    expect(withdrawing.withdrawals).toBe(true);
    expect(refusesKey(withdrawing)).toBe(true);
    expect(await (await client({ key: "bg_ro", secret: "ro-secret-0001", password: "ro-pass" })).keyPermissions()).toEqual({ withdrawals: false, trading: false, ipRestricted: true });
  });

  it("maps insufficient balance, missing permission, below minimum, rate limits and outages to our reasons", async () => {
    const ex = await client();
    await ex.markets();
    const poor = await expectCode(ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "1", referencePrice: "60000", clientOrderId: "sbbig" }), "insufficient_funds");
    expect(poor.message).toContain("43012");
    await expectCode(ex.createOrder({ symbol: "BTC/USDT", side: "sell", type: "limit", amount: "1", price: "60000", clientOrderId: "sbbigsell" }), "insufficient_funds");
    const small = await expectCode(ex.createOrder({ symbol: "BTC/USDT", side: "sell", type: "market", amount: "0.00001", clientOrderId: "sbsmall" }), "invalid_order");
    expect(small.message).toContain("45110");
    sim.addAccount({ apiKey: "bg_ro2", secret: "ro-secret-0002", passphrase: "ro-pass", readOnly: true });
    const readOnly = await client({ key: "bg_ro2", secret: "ro-secret-0002", password: "ro-pass" });
    await expectCode(readOnly.createOrder({ symbol: "BTC/USDT", side: "sell", type: "market", amount: "0.01", clientOrderId: "sbro" }), "permission");

    sim.injectFault({ kind: "rate-limit", path: "/api/v2/spot/account/assets" });
    await expectCode(ex.balance(), "rate_limited");
    sim.injectFault({ kind: "status", status: 502, path: "/api/v2/spot/account/assets" });
    await expectCode(ex.balance(), "exchange_down");
    expect((await ex.balance()).find((b) => b.asset === "USDT")?.free).toBe("10000");
    // Nothing was booked by the refusals.
    expect(sim.account(KEY).orders).toEqual([]);
  });
});
