import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCcxtClient } from "@/lib/exchanges/ccxt-adapter";
import { checkOrder } from "@/lib/exchanges/precision";
import { ExchangeError, type ExchangeClient } from "@/lib/exchanges/types";
import { BinanceSimulator } from "../simulator/binance-simulator";

// ccxt's real binance class, pointed at the local simulator.
const sim = new BinanceSimulator();
let url = "";
const KEY = "sim-key-AAAA1111";
const SECRET = "sim-secret-BBBB2222";

async function client(opts: { key?: string; secret?: string; timeoutMs?: number } = {}): Promise<ExchangeClient> {
  return createCcxtClient({
    exchange: "binance",
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

beforeAll(async () => {
  url = await sim.start();
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.reset();
  sim.addAccount({ apiKey: KEY, secret: SECRET, balances: { USDT: "10000", BTC: "0.5" } });
});

describe("ccxt binance against the simulator", () => {
  it("checks signatures like Binance (the example published in Binance's API docs)", () => {
    const secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
    const query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    expect(BinanceSimulator.sign(secret, query)).toBe("c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71");
  });

  it("maps a bad key and a bad secret to auth errors", async () => {
    await expectCode((await client({ key: "nope" })).balance(), "auth");
    const bad = await expectCode((await client({ secret: "wrong-secret" })).balance(), "auth");
    expect(bad.message).not.toContain("wrong-secret");
  });

  it("accepts a repeated client order id once the first order filled (our row must be the guard)", async () => {
    const ex = await client();
    await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "sbdup" });
    const again = await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "sbdup" });
    expect(again.status).toBe("filled");
    // …but refuses it while an order with that id is open.
    await ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.01", price: "50000", clientOrderId: "sbopen" });
    await expectCode(
      ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.01", price: "50000", clientOrderId: "sbopen" }),
      "invalid_order",
    );
  });

  it("refuses orders below the minimum amount or notional before sending, and maps exchange refusals", async () => {
    const ex = await client();
    const market = await ex.market("BTC/USDT");
    expect(checkOrder(market, { side: "buy", type: "market", amount: "0.000001", referencePrice: "60000" })).toMatchObject({
      ok: false,
      reason: "amount_too_small",
    });
    expect(checkOrder(market, { side: "buy", type: "market", amount: "0.00005", referencePrice: "60000" })).toMatchObject({
      ok: false,
      reason: "cost_too_small",
      min: "5",
    });
    expect(checkOrder(market, { side: "buy", type: "limit", amount: "0.0123456", price: "60000.129" })).toEqual({
      ok: true,
      amount: "0.01234",
      price: "60000.12",
      cost: "740.4014808",
    });
    const before = sim.requests.filter((r) => r.path === "/api/v3/order").length;
    await expectCode(ex.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "1", clientOrderId: "sbbig" }), "insufficient_funds");
    await expectCode(ex.market("NOPE/USDT"), "invalid_order");
    expect(sim.requests.filter((r) => r.path === "/api/v3/order").length).toBe(before + 1);
  });

  it("maps 429 and 418 to rate limited with Retry-After, and 5xx to exchange down", async () => {
    const ex = await client();
    await ex.markets();
    sim.injectFault({ kind: "status", status: 429, retryAfter: 7, path: "/api/v3/account" });
    const limited = await expectCode(ex.balance(), "rate_limited");
    expect(limited.retryAfterSeconds).toBe(7);
    sim.injectFault({ kind: "status", status: 418, retryAfter: 120, path: "/api/v3/account" });
    await expectCode(ex.balance(), "rate_limited");
    sim.injectFault({ kind: "status", status: 503, path: "/api/v3/account" });
    await expectCode(ex.balance(), "exchange_down");
    sim.injectFault({ kind: "status", status: 502, path: "/api/v3/account" });
    await expectCode(ex.balance(), "exchange_down");
    expect((await ex.balance()).length).toBeGreaterThan(0);
  });

  it("tells whether the key may withdraw", async () => {
    sim.addAccount({ apiKey: "withdrawer", secret: "s3cret-withdrawer", canWithdraw: true });
    expect(await (await client()).keyPermissions()).toEqual({ withdrawals: false, trading: true, ipRestricted: false });
    expect(await (await client({ key: "withdrawer", secret: "s3cret-withdrawer" })).keyPermissions()).toMatchObject({ withdrawals: true });
  });
});
