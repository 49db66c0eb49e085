import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCcxtClient, loadExchangeClass } from "@/lib/exchanges/ccxt-adapter";
import { refusesKey } from "@/lib/exchanges/key-permissions";
import { ExchangeError, isUnknownOutcome, type ExchangeClient } from "@/lib/exchanges/types";
import { OkxSimulator } from "../simulator/okx-simulator";

// ccxt's real okx class (trading account, SPOT in cash mode), pointed at the local simulator.
const sim = new OkxSimulator();
let url = "";
const KEY = "okx-sim-key-AAAA1111";
const SECRET = "okx-sim-secret-BBBB2222";
const PASSPHRASE = "okx-sim-pass-CCCC3333";

async function client(opts: { key?: string; secret?: string; passphrase?: string; timeoutMs?: number } = {}): Promise<ExchangeClient> {
  return createCcxtClient({
    exchange: "okx",
    marketType: "spot",
    sandbox: false,
    credentials: { apiKey: opts.key ?? KEY, secret: opts.secret ?? SECRET, password: opts.passphrase ?? PASSPHRASE },
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
  sim.addAccount({ apiKey: KEY, secret: SECRET, passphrase: PASSPHRASE, balances: { USDT: "10000", BTC: "0.5" } });
});

describe("ccxt okx (v5, SPOT) against the simulator", () => {
  it("signs as OKX's v5 guide says: base64 HMAC-SHA256 of timestamp + method + request path + body", async () => {
    // The guide's GET and POST examples, with the secret of its key example (the guide prints no signature:
    // these were computed with `openssl dgst -sha256 -hmac ... -binary | base64`, independently of both).
    const [secret, ts] = ["22582BD0CFF14C41EDBF1AB98506286D", "2020-12-08T09:08:57.715Z"];
    expect(OkxSimulator.sign(secret, ts, "GET", "/api/v5/account/balance?ccy=BTC")).toBe("HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=");
    const body = '{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}';
    expect(OkxSimulator.sign(secret, ts, "POST", "/api/v5/account/set-leverage", body)).toBe("eCnnCgWLjlQ9XnpUkrcny3qNq3WW/81KNrDr/XR6Xv8=");

    // ccxt's own signer gives the same headers for the same requests.
    const Okx = await loadExchangeClass("okx");
    const ex = new Okx({ apiKey: "k", secret, password: "p" });
    (ex as unknown as { nonce: () => number }).nonce = () => Date.parse(ts);
    const get = ex.sign("account/balance", "private", "GET", { ccy: "BTC" }) as { url: string; headers: Record<string, string> };
    expect(get.url.endsWith("/api/v5/account/balance?ccy=BTC")).toBe(true);
    expect(get.headers).toMatchObject({ "OK-ACCESS-KEY": "k", "OK-ACCESS-PASSPHRASE": "p", "OK-ACCESS-TIMESTAMP": ts, "OK-ACCESS-SIGN": "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=" });
    const post = ex.sign("account/set-leverage", "private", "POST", { instId: "BTC-USDT", lever: "5", mgnMode: "isolated" }) as { body: string; headers: Record<string, string> };
    expect(post.body).toBe(body);
    expect(post.headers["OK-ACCESS-SIGN"]).toBe("eCnnCgWLjlQ9XnpUkrcny3qNq3WW/81KNrDr/XR6Xv8=");
  });

  it("maps an unknown key (50111), a bad signature (50113) and a wrong passphrase (50105) to auth, never echoing secrets", async () => {
    const unknown = await expectCode((await client({ key: "nope-key" })).balance(), "auth");
    expect(unknown.message).toContain("50111");
    const bad = await expectCode((await client({ secret: "wrong-secret-value" })).balance(), "auth");
    expect(bad.message).toContain("50113");
    expect(bad.message).not.toContain("wrong-secret-value");
    const pass = await expectCode((await client({ passphrase: "wrong-passphrase" })).balance(), "auth");
    expect(pass.message).toContain("50105");
    expect(pass.message).not.toContain("wrong-passphrase");
  });

  it("loads only SPOT instruments with precision and limits, reads the balance and a ticker", async () => {
    // A fresh market cache (it is keyed by the override URL), so the markets are really loaded here.
    const ex = await createCcxtClient({ exchange: "okx", marketType: "spot", sandbox: false, credentials: { apiKey: KEY, secret: SECRET, password: PASSPHRASE }, apiOverride: `${url}/` });
    expect(await ex.market("BTC/USDT")).toMatchObject({ id: "BTC-USDT", base: "BTC", quote: "USDT", type: "spot", amountStep: "0.00000001", priceStep: "0.1", minAmount: "0.00001" });
    expect(sent("/api/v5/public/instruments").map((r) => r.query)).toEqual(["instType=SPOT"]);
    const balance = await ex.balance();
    expect(balance.find((b) => b.asset === "USDT")).toMatchObject({ free: "10000", used: "0", total: "10000" });
    expect(balance.find((b) => b.asset === "BTC")?.total).toBe("0.5");
    expect((await ex.ticker("BTC/USDT")).last).toBe("60000");
    expect((await ex.tickers(["BTC/USDT", "ETH/USDT"])).map((t) => `${t.symbol}:${t.last}`).sort()).toEqual(["BTC/USDT:60000", "ETH/USDT:3000"]);
  });

  it("places a market buy under our clOrdId, reads its fill and fee back and finds it by that id", async () => {
    const ex = await client();
    const order = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "sbokx0001" });
    const [placed] = JSON.parse(sent("/api/v5/trade/batch-orders")[0]!.body) as Record<string, string>[];
    // Sized in BTC (OKX would read a bare market buy's sz as USDT), in cash mode, under our id, no broker tag.
    expect(placed).toEqual({ instId: "BTC-USDT", side: "buy", ordType: "market", sz: "0.01", clOrdId: "sbokx0001", tdMode: "cash", tgtCcy: "base_ccy" });
    // OKX acknowledges with the ids only; the adapter reads the fill and its fee back by clOrdId.
    expect(order).toMatchObject({ status: "filled", clientOrderId: "sbokx0001", amount: "0.01", filled: "0.01", average: "60000", cost: "600", fee: { cost: "0.00001", currency: "BTC" } });
    expect(sent("/api/v5/trade/order").some((r) => r.query.includes("clOrdId=sbokx0001"))).toBe(true);
    expect(await ex.findOrderByClientId("sbokx0001", "BTC/USDT")).toMatchObject({ id: order.id, status: "filled" });
    expect(await ex.findOrderByClientId("sbneversent", "BTC/USDT")).toBeNull();
    const balance = await ex.balance();
    expect(balance.find((b) => b.asset === "USDT")?.free).toBe("9400");
    expect(balance.find((b) => b.asset === "BTC")?.total).toBe("0.50999");
  });

  it("a market sell pays its fee in USDT, and the fills carry it", async () => {
    const ex = await client();
    const order = await ex.createOrder({ symbol: "BTC/USDT", side: "sell", type: "market", amount: "0.1", clientOrderId: "sbokxsell1" });
    expect(order).toMatchObject({ status: "filled", cost: "6000", fee: { cost: "6", currency: "USDT" } });
    const Okx = await loadExchangeClass("okx");
    const raw = new Okx({ apiKey: KEY, secret: SECRET, password: PASSPHRASE, options: { fetchMarkets: { types: ["spot"] } } });
    raw.urls.api = { rest: url } as never;
    (raw.has as Record<string, unknown>).fetchCurrencies = false;
    const trades = await raw.fetchOrderTrades(order.id, "BTC/USDT");
    expect(trades.map((t) => [t.amount, t.price, t.fee?.cost, t.fee?.currency])).toEqual([[0.1, 60000, 6, "USDT"]]);
  });

  it("resolves a lost answer by clOrdId: the market order filled, the limit order rests, then fills", async () => {
    const ex = await client({ timeoutMs: 400 });
    await ex.markets();
    sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 });
    const lost = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.02", clientOrderId: "sblostmkt" }).catch((e: unknown) => e);
    expect(isUnknownOutcome(lost)).toBe(true);
    expect(await ex.findOrderByClientId("sblostmkt", "BTC/USDT")).toMatchObject({ status: "filled", filled: "0.02", clientOrderId: "sblostmkt", fee: { cost: "0.00002", currency: "BTC" } });

    sim.injectFault({ kind: "timeout-after-accept", holdMs: 2_000 });
    const lostLimit = await ex
      .createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.01", price: "50000", clientOrderId: "sblostlim" })
      .catch((e: unknown) => e);
    expect(isUnknownOutcome(lostLimit)).toBe(true);
    expect(await ex.findOrderByClientId("sblostlim", "BTC/USDT")).toMatchObject({ status: "open", filled: "0", price: "50000" });
    sim.setPrice("BTC-USDT", "49000");
    expect(await ex.findOrderByClientId("sblostlim", "BTC/USDT")).toMatchObject({ status: "filled", average: "50000", fee: { cost: "0.00001", currency: "BTC" } });
    expect(sim.account(KEY).orders.length).toBe(2);
  });

  it("rests limit orders, cancels one, cancels all for the symbol, and lists the history", async () => {
    const ex = await client();
    const a = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.01", price: "55000", clientOrderId: "sblim1" });
    const b = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.01", price: "50000", clientOrderId: "sblim2" });
    await ex.createOrder({ symbol: "BTC/USDT", side: "sell", type: "limit", amount: "0.1", price: "70000", clientOrderId: "sblim3" });
    await ex.createOrder({ symbol: "ETH/USDT", side: "buy", type: "limit", amount: "0.1", price: "2000", clientOrderId: "sbeth1" });
    expect(a).toMatchObject({ status: "open", price: "55000", amount: "0.01" });
    expect((await ex.openOrders("BTC/USDT")).length).toBe(3);
    expect((await ex.balance()).find((l) => l.asset === "USDT")?.used).toBe("1250");

    // OKX acknowledges a cancel with the ids only: the order is read back.
    const canceled = await ex.cancelOrder(b.id, "BTC/USDT");
    expect(canceled).toMatchObject({ id: b.id, status: "canceled", clientOrderId: "sblim2" });
    expect(await ex.cancelAllOrders("BTC/USDT")).toBe(2);
    // One batch cancel of both remaining BTC orders (ccxt has no cancel-all for OKX).
    const batch = sent("/api/v5/trade/cancel-batch-orders");
    expect(batch.length).toBe(1);
    expect((JSON.parse(batch[0]!.body) as { instId: string }[]).map((e) => e.instId)).toEqual(["BTC-USDT", "BTC-USDT"]);
    expect(await ex.openOrders("BTC/USDT")).toEqual([]);
    expect((await ex.openOrders("ETH/USDT")).map((o) => o.clientOrderId)).toEqual(["sbeth1"]);
    expect(await ex.cancelAllOrders("BTC/USDT")).toBe(0);
    await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.001", clientOrderId: "sbmkt9" });
    const history = await ex.orderHistory({ symbol: "BTC/USDT" });
    expect(history.map((o) => `${o.clientOrderId}:${o.status}`).sort()).toEqual(["sblim1:canceled", "sblim2:canceled", "sblim3:canceled", "sbmkt9:filled"]);
    await expectCode(ex.cancelOrder(a.id, "BTC/USDT"), "order_not_found");
    expect((await ex.balance()).find((l) => l.asset === "USDT")?.used).toBe("200");
  });

  it("reads the key's permissions from /api/v5/account/config; a key that can withdraw is refused", async () => {
    sim.addAccount({ apiKey: "wd-key-0001", secret: "wd-secret-0001", passphrase: "wd-pass", perm: ["read_only", "withdraw", "trade"] });
    sim.addAccount({ apiKey: "ro-key-0001", secret: "ro-secret-0001", passphrase: "ro-pass", perm: ["read_only"], ip: "203.0.113.7" });
    const tradeOnly = await (await client()).keyPermissions();
    expect(tradeOnly).toEqual({ withdrawals: false, trading: true, ipRestricted: false });
    expect(refusesKey(tradeOnly)).toBe(false);
    const withdrawing = await (await client({ key: "wd-key-0001", secret: "wd-secret-0001", passphrase: "wd-pass" })).keyPermissions();
    expect(withdrawing.withdrawals).toBe(true);
    expect(refusesKey(withdrawing)).toBe(true);
    expect(await (await client({ key: "ro-key-0001", secret: "ro-secret-0001", passphrase: "ro-pass" })).keyPermissions()).toEqual({ withdrawals: false, trading: false, ipRestricted: true });
    expect(sent("/api/v5/account/config").length).toBe(3);
  });

  it("maps insufficient balance, below minimum, rate limits and outages to our reasons", async () => {
    const ex = await client();
    await ex.markets();
    const poor = await expectCode(ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "1", clientOrderId: "sbbig" }), "insufficient_funds");
    expect(poor.message).toContain("51008");
    await expectCode(ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.000001", price: "50000", clientOrderId: "sbtiny" }), "invalid_order");
    expect(sim.account(KEY).orders).toEqual([]);

    sim.injectFault({ kind: "rate-limit", path: "/api/v5/account/balance" });
    await expectCode(ex.balance(), "rate_limited");
    sim.injectFault({ kind: "reject", sCode: "50061", sMsg: "You've reached the maximum order rate limit for this account." });
    await expectCode(ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "sbrate" }), "rate_limited");
    sim.injectFault({ kind: "status", status: 503, path: "/api/v5/account/balance" });
    const busy = await expectCode(ex.balance(), "exchange_down");
    expect(busy.message).toContain("50001");
    sim.injectFault({ kind: "status", status: 502, path: "/api/v5/account/balance" });
    await expectCode(ex.balance(), "exchange_down");
    expect((await ex.balance()).find((b) => b.asset === "USDT")?.free).toBe("10000");
  });
});
