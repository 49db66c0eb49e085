import Decimal from "decimal.js";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createUser } from "@/lib/users";
import { exchangeAccounts, paperOrders, paperPrices } from "@/db/schema";
import {
  createPaperExchange,
  matchPaperLimitOrders,
  recordPaperPrice,
  seedPaperBalances,
} from "@/lib/exchanges/paper";
import { PAPER_MARKETS } from "@/lib/exchanges/paper-markets";
import { SIMULATED_STEP_MS, simulatedAnchor, simulatedPrice } from "@/lib/exchanges/paper-feed";
import type { ExchangeClient } from "@/lib/exchanges/types";
import { ExchangeError } from "@/lib/exchanges/types";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();

const FEE_RATE = "0.001"; // 0.1 %
const SLIPPAGE_BPS = "10"; // 0.1 %

let userId = "";
let accounts = 0;

beforeAll(async () => {
  const user = await createUser({
    name: "paper",
    email: "paper-trader@example.com",
    passwordHash: "$argon2id$fake",
    autoApprove: true,
  });
  userId = user.id;
});

const n = (x: Decimal.Value) => new Decimal(x).toString();

/** A fresh paper account with the given free balances and its client. */
async function account(
  balances: Record<string, string>,
  extra: { priceSource?: (symbol: string) => Promise<string | null>; slippageBps?: string; simulate?: boolean } = {},
): Promise<{ id: string; client: ExchangeClient }> {
  const [row] = await testDb.db
    .insert(exchangeAccounts)
    .values({
      userId,
      exchange: "paper",
      label: `Paper ${++accounts}`,
      paperFeeRate: FEE_RATE,
      paperSlippageBps: extra.slippageBps ?? SLIPPAGE_BPS,
    })
    .returning();
  const id = row!.id;
  await seedPaperBalances(testDb.db, id, balances);
  const client = createPaperExchange({
    db: testDb.db,
    accountId: id,
    feeRate: FEE_RATE,
    slippageBps: extra.slippageBps ?? SLIPPAGE_BPS,
    priceSource: extra.priceSource,
    simulate: extra.simulate,
  });
  return { id, client };
}

/** Balances as { asset: { free, used } } with normalised decimal strings. */
async function balances(client: ExchangeClient) {
  const out: Record<string, { free: string; used: string; total: string }> = {};
  for (const line of await client.balance()) {
    out[line.asset] = { free: n(line.free), used: n(line.used), total: n(line.total) };
  }
  return out;
}

async function refusal(promise: Promise<unknown>): Promise<ExchangeError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExchangeError);
    return error as ExchangeError;
  }
  throw new Error("expected the call to fail");
}

describe("paper exchange on " + (process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"), () => {
  it("lists its spot markets and refuses unknown symbols", async () => {
    const { client } = await account({});
    const markets = await client.markets();
    expect(markets.map((m) => m.symbol)).toEqual([
      "BTC/USDT",
      "ETH/USDT",
      "SOL/USDT",
      "BNB/USDT",
      "XRP/USDT",
      "DOGE/USDT",
      "ADA/USDT",
      "LTC/USDT",
    ]);
    expect(await client.market("DOGE/USDT")).toMatchObject({
      id: "DOGEUSDT",
      base: "DOGE",
      quote: "USDT",
      type: "spot",
      amountStep: "1",
      priceStep: "0.00001",
      minCost: "5",
      maxAmount: "9000000",
      contractSize: null,
    });
    expect((await refusal(client.market("FOO/USDT"))).code).toBe("invalid_order");
    // Callers cannot corrupt the shared list.
    markets[0]!.minCost = "1000";
    expect((await client.market("BTC/USDT")).minCost).toBe("5");
    expect(PAPER_MARKETS[0]!.minCost).toBe("5");
    expect(client.exchange).toBe("paper");
    expect(client.marketType).toBe("spot");
    expect(await client.keyPermissions()).toEqual({ withdrawals: false, trading: true, ipRestricted: null });
  });

  it("fills market buys and sells with slippage and fees", async () => {
    const { client } = await account({ USDT: "10000" });
    await recordPaperPrice(testDb.db, "BTC/USDT", "50000", "manual");

    const buy = await client.createOrder({
      symbol: "BTC/USDT",
      side: "buy",
      type: "market",
      amount: "0.1",
      clientOrderId: "mb-1",
    });
    expect(buy).toMatchObject({ clientOrderId: "mb-1", symbol: "BTC/USDT", side: "buy", type: "market", status: "filled" });
    expect(buy.id).toMatch(/^\d+$/);
    expect(Math.abs(buy.timestamp - Date.now())).toBeLessThan(60_000);
    // 50000 × 1.001 = 50050; cost 0.1 × 50050; fee 0.1 % of the BTC received.
    expect(n(buy.average!)).toBe("50050");
    expect(n(buy.filled)).toBe("0.1");
    expect(n(buy.cost)).toBe("5005");
    expect(buy.fee && { cost: n(buy.fee.cost), currency: buy.fee.currency }).toEqual({ cost: "0.0001", currency: "BTC" });
    expect(await balances(client)).toEqual({
      BTC: { free: "0.0999", used: "0", total: "0.0999" },
      USDT: { free: "4995", used: "0", total: "4995" },
    });

    const sell = await client.createOrder({
      symbol: "BTC/USDT",
      side: "sell",
      type: "market",
      amount: "0.05",
      clientOrderId: "ms-1",
    });
    // 50000 × 0.999 = 49950; cost 2497.5; fee 0.1 % of it in USDT.
    expect(sell.status).toBe("filled");
    expect(n(sell.average!)).toBe("49950");
    expect(n(sell.cost)).toBe("2497.5");
    expect(sell.fee && { cost: n(sell.fee.cost), currency: sell.fee.currency }).toEqual({ cost: "2.4975", currency: "USDT" });
    expect(await balances(client)).toEqual({
      BTC: { free: "0.0499", used: "0", total: "0.0499" },
      USDT: { free: "7490.0025", used: "0", total: "7490.0025" },
    });

    // Amounts are rounded down to the step; the slipped price is rounded to the tick.
    await recordPaperPrice(testDb.db, "BTC/USDT", "43210.57", "manual");
    const odd = await client.createOrder({
      symbol: "BTC/USDT",
      side: "buy",
      type: "market",
      amount: "0.0123456",
      clientOrderId: "mb-2",
    });
    expect(n(odd.amount)).toBe("0.01234");
    // 43210.57 × 1.001 = 43253.78057 → 43253.78
    expect(n(odd.average!)).toBe("43253.78");
    expect(n(odd.cost)).toBe(new Decimal("0.01234").mul("43253.78").toString());

    const history = await client.orderHistory({ symbol: "BTC/USDT" });
    expect(history.map((o) => o.clientOrderId)).toEqual(["mb-2", "ms-1", "mb-1"]);
    expect((await client.orderHistory({ symbol: "BTC/USDT", limit: 1 })).map((o) => o.clientOrderId)).toEqual(["mb-2"]);
    expect(await client.openOrders()).toEqual([]);
  });

  it("uses the request's reference price before the stored one", async () => {
    const { client } = await account({ USDT: "1000" });
    await recordPaperPrice(testDb.db, "ETH/USDT", "2000", "manual");
    const order = await client.createOrder({
      symbol: "ETH/USDT",
      side: "buy",
      type: "market",
      amount: "0.1",
      clientOrderId: "ref-1",
      referencePrice: "1000",
    });
    expect(n(order.average!)).toBe("1001");
    expect(n(order.cost)).toBe("100.1");
    expect((await balances(client)).USDT?.free).toBe("899.9");
  });

  it("fills a market order at the live market's price with slippage, not at the signal's price", async () => {
    const { client } = await account({ USDT: "1000" }, { priceSource: async () => "2500" });
    const order = await client.createOrder({
      symbol: "ETH/USDT",
      side: "buy",
      type: "market",
      amount: "0.1",
      clientOrderId: "live-1",
      referencePrice: "1000",
    });
    // 2500 + 10 bps of slippage, whatever price the signal named.
    expect(n(order.average!)).toBe("2502.5");
  });

  it("refuses orders it cannot pay for and changes nothing", async () => {
    const { id, client } = await account({ USDT: "100", BTC: "0.001" });
    await recordPaperPrice(testDb.db, "BTC/USDT", "50000", "manual");
    const before = await balances(client);

    const buy = await refusal(
      client.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "nf-1" }),
    );
    expect(buy.code).toBe("insufficient_funds");
    const sell = await refusal(
      client.createOrder({ symbol: "BTC/USDT", side: "sell", type: "market", amount: "0.002", clientOrderId: "nf-2" }),
    );
    expect(sell.code).toBe("insufficient_funds");
    const limit = await refusal(
      client.createOrder({
        symbol: "BTC/USDT",
        side: "buy",
        type: "limit",
        amount: "0.01",
        price: "40000",
        clientOrderId: "nf-3",
      }),
    );
    expect(limit.code).toBe("insufficient_funds");

    expect(await balances(client)).toEqual(before);
    const rows = await testDb.db.select().from(paperOrders).where(eq(paperOrders.accountId, id));
    expect(rows).toHaveLength(0);
  });

  it("applies the market's filters before anything else", async () => {
    const { client } = await account({ USDT: "1000" });
    await recordPaperPrice(testDb.db, "BTC/USDT", "50000", "manual");

    const notional = await refusal(
      client.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.00009", clientOrderId: "f-1" }),
    );
    expect(notional.code).toBe("invalid_order");
    expect(notional.message).toMatch(/NOTIONAL/);

    const lot = await refusal(
      client.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "0.000001", clientOrderId: "f-2" }),
    );
    expect(lot.code).toBe("invalid_order");
    expect(lot.message).toMatch(/LOT_SIZE/);

    const noPrice = await refusal(
      client.createOrder({ symbol: "BTC/USDT", side: "buy", type: "limit", amount: "0.001", clientOrderId: "f-3" }),
    );
    expect(noPrice.code).toBe("invalid_order");

    const unknown = await refusal(
      client.createOrder({ symbol: "PEPE/USDT", side: "buy", type: "market", amount: "1", clientOrderId: "f-4" }),
    );
    expect(unknown.code).toBe("invalid_order");

    const negative = await refusal(
      client.createOrder({ symbol: "BTC/USDT", side: "buy", type: "market", amount: "-1", clientOrderId: "f-5" }),
    );
    expect(negative.code).toBe("invalid_order");

    expect((await balances(client)).USDT?.free).toBe("1000");
  });

  it("refuses a client order id while its order is open and accepts it again once filled", async () => {
    const { id, client } = await account({ USDT: "1000" });
    await recordPaperPrice(testDb.db, "ETH/USDT", "2000", "manual");

    const resting = await client.createOrder({
      symbol: "ETH/USDT",
      side: "buy",
      type: "limit",
      amount: "0.1",
      price: "1900",
      clientOrderId: "dup-1",
    });
    expect(resting.status).toBe("open");

    const dup = await refusal(
      client.createOrder({ symbol: "ETH/USDT", side: "buy", type: "market", amount: "0.01", clientOrderId: "dup-1" }),
    );
    expect(dup.code).toBe("invalid_order");
    expect(dup.message).toBe("Duplicate order sent.");
    // Also across symbols: the id is the account's.
    await recordPaperPrice(testDb.db, "SOL/USDT", "100", "manual");
    expect(
      (await refusal(client.createOrder({ symbol: "SOL/USDT", side: "buy", type: "market", amount: "0.1", clientOrderId: "dup-1" })))
        .message,
    ).toBe("Duplicate order sent.");

    expect(await matchPaperLimitOrders(testDb.db, id, "ETH/USDT", "1899.99")).toBe(1);
    const again = await client.createOrder({
      symbol: "ETH/USDT",
      side: "buy",
      type: "market",
      amount: "0.01",
      clientOrderId: "dup-1",
    });
    expect(again.status).toBe("filled");
    expect(again.id).not.toBe(resting.id);

    const found = await client.findOrderByClientId("dup-1", "ETH/USDT");
    expect(found?.id).toBe(again.id);
    expect(await client.findOrderByClientId("nope", "ETH/USDT")).toBeNull();
    expect(await client.findOrderByClientId("dup-1", "BTC/USDT")).toBeNull();

    // A canceled order frees its id too.
    const second = await client.createOrder({
      symbol: "ETH/USDT",
      side: "buy",
      type: "limit",
      amount: "0.01",
      price: "1000",
      clientOrderId: "dup-2",
    });
    await client.cancelOrder(second.id, "ETH/USDT");
    const third = await client.createOrder({
      symbol: "ETH/USDT",
      side: "buy",
      type: "limit",
      amount: "0.01",
      price: "1000",
      clientOrderId: "dup-2",
    });
    expect(third.status).toBe("open");
  });

  it("locks funds for limit orders and fills them only when the price crosses", async () => {
    const { id, client } = await account({ USDT: "1000" });
    await recordPaperPrice(testDb.db, "ETH/USDT", "2000", "manual");

    const buy = await client.createOrder({
      symbol: "ETH/USDT",
      side: "buy",
      type: "limit",
      amount: "0.1",
      price: "1900.009", // rounded down to the tick for a buy
      clientOrderId: "lb-1",
    });
    expect(buy).toMatchObject({ status: "open", type: "limit", side: "buy" });
    expect(n(buy.price!)).toBe("1900");
    expect(n(buy.filled)).toBe("0");
    expect(buy.average).toBeNull();
    expect(await balances(client)).toEqual({ USDT: { free: "810", used: "190", total: "1000" } });
    expect((await client.openOrders("ETH/USDT")).map((o) => o.id)).toEqual([buy.id]);

    // Not crossed: nothing happens.
    expect(await matchPaperLimitOrders(testDb.db, id, "ETH/USDT", "1900.01")).toBe(0);
    expect((await client.findOrderByClientId("lb-1", "ETH/USDT"))?.status).toBe("open");
    expect(await balances(client)).toEqual({ USDT: { free: "810", used: "190", total: "1000" } });

    // Crossed: fills at its limit price, with the fee in ETH.
    expect(await matchPaperLimitOrders(testDb.db, id, "ETH/USDT", "1850")).toBe(1);
    const filled = await client.findOrderByClientId("lb-1", "ETH/USDT");
    expect(filled?.status).toBe("filled");
    expect(n(filled!.average!)).toBe("1900");
    expect(n(filled!.cost)).toBe("190");
    expect(n(filled!.fee!.cost)).toBe("0.0001");
    expect(await balances(client)).toEqual({
      ETH: { free: "0.0999", used: "0", total: "0.0999" },
      USDT: { free: "810", used: "0", total: "810" },
    });
    expect(await matchPaperLimitOrders(testDb.db, id, "ETH/USDT", "1850")).toBe(0);

    // A limit sell locks the base asset.
    const sell = await client.createOrder({
      symbol: "ETH/USDT",
      side: "sell",
      type: "limit",
      amount: "0.05",
      price: "2100",
      clientOrderId: "ls-1",
    });
    expect(sell.status).toBe("open");
    expect((await balances(client)).ETH).toEqual({ free: "0.0499", used: "0.05", total: "0.0999" });
    expect(await matchPaperLimitOrders(testDb.db, id, "ETH/USDT", "2099.99")).toBe(0);
    expect(await matchPaperLimitOrders(testDb.db, id, "ETH/USDT", "2150")).toBe(1);
    // 0.05 × 2100 = 105, fee 0.105 USDT.
    expect(await balances(client)).toEqual({
      ETH: { free: "0.0499", used: "0", total: "0.0499" },
      USDT: { free: "914.895", used: "0", total: "914.895" },
    });
  });

  it("fills a marketable limit order at once at the current price", async () => {
    const { client } = await account({ USDT: "1000", SOL: "10" });
    await recordPaperPrice(testDb.db, "SOL/USDT", "100", "manual");

    const buy = await client.createOrder({
      symbol: "SOL/USDT",
      side: "buy",
      type: "limit",
      amount: "2",
      price: "110",
      clientOrderId: "mk-1",
    });
    // Fills at 100 (no slippage); the extra 20 locked at 110 comes back.
    expect(buy.status).toBe("filled");
    expect(n(buy.price!)).toBe("110");
    expect(n(buy.average!)).toBe("100");
    expect(n(buy.cost)).toBe("200");
    const sell = await client.createOrder({
      symbol: "SOL/USDT",
      side: "sell",
      type: "limit",
      amount: "1",
      price: "95",
      clientOrderId: "mk-2",
    });
    expect(sell.status).toBe("filled");
    expect(n(sell.average!)).toBe("100");
    expect(n(sell.fee!.cost)).toBe("0.1");
    expect(await balances(client)).toEqual({
      SOL: { free: "10.998", used: "0", total: "10.998" },
      USDT: { free: "899.9", used: "0", total: "899.9" },
    });
  });

  it("shows fills of resting orders when the trader looks at the account", async () => {
    const { client } = await account({ USDT: "500" });
    await recordPaperPrice(testDb.db, "BNB/USDT", "600", "manual");
    await client.createOrder({
      symbol: "BNB/USDT",
      side: "buy",
      type: "limit",
      amount: "0.5",
      price: "550",
      clientOrderId: "rd-1",
    });
    expect(await client.openOrders()).toHaveLength(1);
    await recordPaperPrice(testDb.db, "BNB/USDT", "549", "signal");
    expect(await client.openOrders()).toEqual([]);
    expect(await balances(client)).toEqual({
      BNB: { free: "0.4995", used: "0", total: "0.4995" },
      USDT: { free: "225", used: "0", total: "225" },
    });
    const [last] = await client.orderHistory({ symbol: "BNB/USDT" });
    expect(last).toMatchObject({ clientOrderId: "rd-1", status: "filled" });
  });

  it("cancels orders and unlocks what they held", async () => {
    const { client } = await account({ USDT: "1000", XRP: "100" });
    await recordPaperPrice(testDb.db, "XRP/USDT", "0.5", "manual");

    const buy = await client.createOrder({
      symbol: "XRP/USDT",
      side: "buy",
      type: "limit",
      amount: "100",
      price: "0.4",
      clientOrderId: "c-1",
    });
    const sell = await client.createOrder({
      symbol: "XRP/USDT",
      side: "sell",
      type: "limit",
      amount: "50",
      price: "0.6",
      clientOrderId: "c-2",
    });
    expect(await balances(client)).toEqual({
      USDT: { free: "960", used: "40", total: "1000" },
      XRP: { free: "50", used: "50", total: "100" },
    });

    const canceled = await client.cancelOrder(buy.id, "XRP/USDT");
    expect(canceled).toMatchObject({ id: buy.id, status: "canceled", clientOrderId: "c-1" });
    expect((await balances(client)).USDT).toEqual({ free: "1000", used: "0", total: "1000" });

    expect((await refusal(client.cancelOrder(buy.id, "XRP/USDT"))).code).toBe("order_not_found");
    expect((await refusal(client.cancelOrder(sell.id, "BTC/USDT"))).code).toBe("order_not_found");
    expect((await refusal(client.cancelOrder("999999", "XRP/USDT"))).code).toBe("order_not_found");
    expect((await refusal(client.cancelOrder("not-an-id", "XRP/USDT"))).code).toBe("order_not_found");
    expect((await refusal(client.cancelOrder("99999999999", "XRP/USDT"))).code).toBe("order_not_found");

    await client.createOrder({
      symbol: "XRP/USDT",
      side: "buy",
      type: "limit",
      amount: "20",
      price: "0.45",
      clientOrderId: "c-3",
    });
    expect(await client.cancelAllOrders("XRP/USDT")).toBe(2);
    expect(await client.cancelAllOrders("XRP/USDT")).toBe(0);
    expect(await client.cancelAllOrders("ADA/USDT")).toBe(0);
    expect(await client.openOrders()).toEqual([]);
    expect(await balances(client)).toEqual({
      USDT: { free: "1000", used: "0", total: "1000" },
      XRP: { free: "100", used: "0", total: "100" },
    });
    const history = await client.orderHistory({ symbol: "XRP/USDT" });
    expect(history.map((o) => o.status)).toEqual(["canceled", "canceled", "canceled"]);
    // Another account cannot cancel these orders.
    const other = await account({});
    await client.createOrder({
      symbol: "XRP/USDT",
      side: "buy",
      type: "limit",
      amount: "20",
      price: "0.45",
      clientOrderId: "c-4",
    });
    const [mine] = await client.openOrders("XRP/USDT");
    expect((await refusal(other.client.cancelOrder(mine!.id, "XRP/USDT"))).code).toBe("order_not_found");
    expect(await other.client.cancelAllOrders("XRP/USDT")).toBe(0);
    expect(await other.client.openOrders()).toEqual([]);
  });

  it("answers no_price when it knows no price, and stores prices from its feed", async () => {
    const { client } = await account({ USDT: "1000" });
    await testDb.db.delete(paperPrices).where(eq(paperPrices.symbol, "LTC/USDT"));

    const market = await refusal(
      client.createOrder({ symbol: "LTC/USDT", side: "buy", type: "market", amount: "1", clientOrderId: "np-1" }),
    );
    expect(market.code).toBe("no_price");
    expect((await refusal(client.ticker("LTC/USDT"))).code).toBe("no_price");
    await recordPaperPrice(testDb.db, "ADA/USDT", "0.4", "manual");
    expect((await client.tickers(["LTC/USDT", "ADA/USDT", "NOPE/USDT"])).map((t) => [t.symbol, n(t.last)])).toEqual([
      ["ADA/USDT", "0.4"],
    ]);

    // A limit order rests without a price (and still locks its funds).
    const limit = await client.createOrder({
      symbol: "LTC/USDT",
      side: "buy",
      type: "limit",
      amount: "1",
      price: "80",
      clientOrderId: "np-2",
    });
    expect(limit.status).toBe("open");
    expect((await balances(client)).USDT).toEqual({ free: "920", used: "80", total: "1000" });

    // With a feed, its price is used and remembered as a ticker price; the resting order fills on the next look.
    const feed = await account({ USDT: "1000" }, { priceSource: async (s) => (s === "LTC/USDT" ? "70" : null) });
    const ticker = await feed.client.ticker("LTC/USDT");
    expect(ticker).toMatchObject({ symbol: "LTC/USDT", bid: null, ask: null });
    expect(n(ticker.last)).toBe("70");
    const [stored] = await testDb.db.select().from(paperPrices).where(eq(paperPrices.symbol, "LTC/USDT"));
    expect(stored && { price: n(stored.price), source: stored.source }).toEqual({ price: "70", source: "ticker" });
    expect(await client.openOrders("LTC/USDT")).toEqual([]);
    expect((await balances(client)).LTC?.free).toBe("0.999");

    // A failing feed falls back to the stored price.
    const broken = await account({}, { priceSource: async () => { throw new Error("feed down"); } });
    expect(n((await broken.client.ticker("LTC/USDT")).last)).toBe("70");
    expect((await refusal(broken.client.ticker("DOGE/USDT"))).code).toBe("no_price");
  });

  it("never overspends under concurrent market buys", async () => {
    const { id, client } = await account({ USDT: "1000" });
    await recordPaperPrice(testDb.db, "SOL/USDT", "100", "manual");
    // Each buy costs 3 × 100.10 = 300.3: three fit in 1000, the rest must be refused.
    const results = await Promise.allSettled(
      Array.from({ length: 7 }, (_, i) =>
        client.createOrder({ symbol: "SOL/USDT", side: "buy", type: "market", amount: "3", clientOrderId: `cc-${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(3);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(ExchangeError);
      expect((r.reason as ExchangeError).code).toBe("insufficient_funds");
    }
    const after = await balances(client);
    expect(new Decimal(after.USDT!.free).gte(0)).toBe(true);
    expect(after.USDT).toEqual({ free: "99.1", used: "0", total: "99.1" });
    expect(after.SOL).toEqual({ free: "8.991", used: "0", total: "8.991" });
    const rows = await testDb.db
      .select()
      .from(paperOrders)
      .where(and(eq(paperOrders.accountId, id), eq(paperOrders.status, "filled")));
    expect(rows).toHaveLength(3);
  });

  it("never overspends when concurrent limit orders and market orders race", async () => {
    const { client } = await account({ USDT: "500", ETH: "0.2" });
    await recordPaperPrice(testDb.db, "ETH/USDT", "2000", "manual");
    const results = await Promise.allSettled([
      ...Array.from({ length: 4 }, (_, i) =>
        client.createOrder({
          symbol: "ETH/USDT",
          side: "buy",
          type: "limit",
          amount: "0.1",
          price: "1500",
          clientOrderId: `rl-${i}`,
        }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        client.createOrder({ symbol: "ETH/USDT", side: "sell", type: "limit", amount: "0.1", price: "2500", clientOrderId: `rs-${i}` }),
      ),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled").length;
    // 500 USDT pays for three buys at 150; 0.2 ETH for two sells.
    expect(ok).toBe(5);
    expect(await balances(client)).toEqual({
      ETH: { free: "0", used: "0.2", total: "0.2" },
      USDT: { free: "50", used: "450", total: "500" },
    });
    expect(await client.cancelAllOrders("ETH/USDT")).toBe(5);
    expect(await balances(client)).toEqual({
      ETH: { free: "0.2", used: "0", total: "0.2" },
      USDT: { free: "500", used: "0", total: "500" },
    });
  });

  it("omits empty balance lines and keeps them sorted", async () => {
    const { id, client } = await account({ USDT: "10", BTC: "0", ADA: "5", ETH: "0" });
    expect((await client.balance()).map((l) => l.asset)).toEqual(["ADA", "USDT"]);
    await seedPaperBalances(testDb.db, id, { ADA: "0" });
    expect((await client.balance()).map((l) => l.asset)).toEqual(["USDT"]);
  });
});

describe("the simulated market (no live ticker reachable)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("walks each symbol every few seconds, at the market's tick, never far from its level", () => {
    const t0 = Date.UTC(2026, 11, 1, 12, 0, 0);
    for (const market of PAPER_MARKETS) {
      const anchor = new Decimal(simulatedAnchor(market.symbol)!);
      let price = simulatedPrice(market.symbol, t0)!;
      let at = t0;
      const seen = new Set<string>();
      for (let step = 1; step <= 720; step++) {
        const now = t0 + step * SIMULATED_STEP_MS;
        const next = simulatedPrice(market.symbol, now, { price, at })!;
        expect(new Decimal(next).mod(market.priceStep).isZero()).toBe(true);
        const ratio = new Decimal(next).div(anchor);
        expect(ratio.gt("0.8") && ratio.lt("1.25")).toBe(true);
        seen.add(next);
        price = next;
        at = now;
      }
      // It moves: an hour of 5 s steps is not a flat line.
      expect(seen.size).toBeGreaterThan(50);
      // Within one step it stands still.
      expect(simulatedPrice(market.symbol, at + 1_000, { price, at })).toBe(price);
    }
    expect(simulatedPrice("PEPE/USDT", t0)).toBeNull();
  });

  it("fills a resting limit order when the walk crosses it, and says the price is simulated", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.UTC(2026, 11, 1, 9, 0, 2);
    vi.setSystemTime(t0);
    // The market data other tests left for this symbol goes: the walk starts from its level.
    await testDb.db.delete(paperPrices).where(eq(paperPrices.symbol, "ADA/USDT"));
    const { client } = await account({ USDT: "10000" }, { simulate: true });
    const start = (await client.ticker("ADA/USDT")).last;
    const [stored] = await testDb.db.select().from(paperPrices).where(eq(paperPrices.symbol, "ADA/USDT"));
    expect(stored?.source).toBe("simulated");
    // A buy 0.5 % under the market, and the first step at which the walk (jumped to at once) reaches it.
    const limit = new Decimal(start).mul("0.995").toDecimalPlaces(4, Decimal.ROUND_DOWN);
    const at = stored!.updatedAt.getTime();
    let step = 1;
    while (step < 5_000 && new Decimal(simulatedPrice("ADA/USDT", t0 + step * SIMULATED_STEP_MS, { price: start, at })!).gt(limit)) step++;
    expect(step).toBeLessThan(5_000);
    const order = await client.createOrder({ symbol: "ADA/USDT", side: "buy", type: "limit", amount: "100", price: limit.toFixed(), clientOrderId: "sim-limit-1" });
    expect(order.status).toBe("open");
    // Before the walk gets there the order rests; once it does, it fills at its own price.
    vi.setSystemTime(t0 + step * SIMULATED_STEP_MS);
    expect(await client.openOrders("ADA/USDT")).toEqual([]);
    const filled = (await client.findOrderByClientId("sim-limit-1", "ADA/USDT"))!;
    expect(filled).toMatchObject({ status: "filled", filled: "100" });
    expect(n(filled.average!)).toBe(n(limit));
    const [after] = await testDb.db.select().from(paperPrices).where(eq(paperPrices.symbol, "ADA/USDT"));
    expect(after).toMatchObject({ source: "simulated" });
    expect(n(after!.price)).toBe(n(simulatedPrice("ADA/USDT", t0 + step * SIMULATED_STEP_MS, { price: start, at })!));
  });

  it("takes a signal's price as the market's when no live ticker answers, and walks on from it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.UTC(2026, 11, 1, 10, 0, 1);
    vi.setSystemTime(t0);
    await testDb.db.delete(paperPrices).where(eq(paperPrices.symbol, "XRP/USDT"));
    const { client } = await account({ USDT: "10000" }, { simulate: true, priceSource: async () => null });
    const order = await client.createOrder({ symbol: "XRP/USDT", side: "buy", type: "market", amount: "10", clientOrderId: "sim-ref-1", referencePrice: "0.7" });
    expect(order.status).toBe("filled");
    const [stored] = await testDb.db.select().from(paperPrices).where(eq(paperPrices.symbol, "XRP/USDT"));
    expect(stored && { price: n(stored.price), source: stored.source }).toEqual({ price: "0.7", source: "signal" });
    vi.setSystemTime(t0 + 3 * SIMULATED_STEP_MS);
    const moved = (await client.ticker("XRP/USDT")).last;
    expect(moved).toBe(simulatedPrice("XRP/USDT", t0 + 3 * SIMULATED_STEP_MS, { price: "0.7", at: t0 }));
  });
});
