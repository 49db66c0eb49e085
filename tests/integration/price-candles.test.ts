import Decimal from "decimal.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exchangeAccounts, paperPrices } from "@/db/schema";
import { createCcxtClient } from "@/lib/exchanges/ccxt-adapter";
import { cachedCandles } from "@/lib/exchanges/candle-cache";
import { createPaperExchange, recordPaperPrice } from "@/lib/exchanges/paper";
import { paperCandles, recordPaperTick } from "@/lib/exchanges/paper-candles";
import { simulatedPath } from "@/lib/exchanges/paper-feed";
import { ExchangeError, type Candle } from "@/lib/exchanges/types";
import { createUser } from "@/lib/users";
import { BinanceSimulator } from "../simulator/binance-simulator";
import { useTestDatabase } from "../helpers/test-db";
import { isReachable, startUpstashBridge } from "../helpers/upstash-bridge";

const redisUp = await isReachable(6379);

const testDb = useTestDatabase();
const sim = new BinanceSimulator();
let url = "";
const HOUR = 3_600_000;
const thisHour = Math.floor(Date.now() / HOUR) * HOUR;

beforeAll(async () => {
  url = await sim.start();
});
afterAll(() => sim.stop());

describe("ohlcv through ccxt (Binance simulator)", () => {
  it("reads klines as exact decimal-string candles, oldest first", async () => {
    sim.reset();
    sim.setPrice("BTCUSDT", "60000.01", { at: thisHour - 2 * HOUR + 60_000 });
    sim.setPrice("BTCUSDT", "61000.5", { at: thisHour - 2 * HOUR + 120_000 });
    sim.setPrice("BTCUSDT", "59999.99", { at: thisHour - HOUR + 10 });
    sim.setPrice("BTCUSDT", "60500.12345678", { at: thisHour + 5 });
    const client = await createCcxtClient({ exchange: "binance", marketType: "spot", sandbox: false, apiOverride: url });
    const candles = await client.ohlcv("BTC/USDT", "1h", 3);
    expect(candles).toEqual<Candle[]>([
      { time: thisHour - 2 * HOUR, open: "60000", high: "61000.5", low: "60000", close: "61000.5", volume: "2" },
      { time: thisHour - HOUR, open: "61000.5", high: "61000.5", low: "59999.99", close: "59999.99", volume: "1" },
      { time: thisHour, open: "59999.99", high: "60500.12345678", low: "59999.99", close: "60500.12345678", volume: "1" },
    ]);
    expect(sim.requests.some((r) => r.path === "/api/v3/klines")).toBe(true);
  });

  it("refuses a symbol the venue does not list, before any request", async () => {
    const client = await createCcxtClient({ exchange: "binance", marketType: "spot", sandbox: false, apiOverride: url });
    const error = await client.ohlcv("NOPE/USDT", "1h").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeError);
    expect((error as ExchangeError).code).toBe("invalid_order");
  });
});

describe("ohlcv on the paper exchange", () => {
  it("builds candles from the paper market's own price path, and the current price joins it", async () => {
    const user = await createUser({ name: "chart", email: "chart-paper@example.com", passwordHash: "$argon2id$fake", autoApprove: true });
    const [row] = await testDb.db.insert(exchangeAccounts).values({ userId: user.id, exchange: "paper", label: "P" }).returning();
    const client = createPaperExchange({ db: testDb.db, accountId: row!.id, feeRate: "0.001", slippageBps: "0", simulate: false });
    await recordPaperTick(testDb.db, "ETH/USDT", "3000.1", thisHour - 2 * HOUR + 1_000);
    await recordPaperTick(testDb.db, "ETH/USDT", "3100", thisHour - 2 * HOUR + 20_000);
    await recordPaperTick(testDb.db, "ETH/USDT", "2950.55", thisHour - 2 * HOUR + 40_000);
    await recordPaperTick(testDb.db, "ETH/USDT", "3001", thisHour - 2 * HOUR + 60_000);
    // The same 5-second step keeps its last price.
    await recordPaperTick(testDb.db, "ETH/USDT", "3002", thisHour - 2 * HOUR + 61_000);
    await recordPaperPrice(testDb.db, "ETH/USDT", "3050.25", "signal");
    const candles = await client.ohlcv("ETH/USDT", "1h", 3);
    expect(candles[0]).toEqual({ time: thisHour - 2 * HOUR, open: "3000.1", high: "3100", low: "2950.55", close: "3002", volume: "0" });
    // No price in the hour between: no candle is invented for it.
    expect(candles.map((c) => c.time)).toEqual([thisHour - 2 * HOUR, Math.floor(Date.now() / HOUR) * HOUR]);
    expect(candles.at(-1)?.close).toBe("3050.25");
    expect(await paperCandles(testDb.db, "ETH/USDT", "1h", 1, thisHour - HOUR)).toEqual([]);
    await expect(client.ohlcv("NOPE/USDT", "1h")).rejects.toBeInstanceOf(ExchangeError);
  });
});

describe("the simulated paper market's walk", () => {
  it("keeps every step walked since the last look, so the chart shows the walk and not a jump", async () => {
    const user = await createUser({ name: "walk", email: "chart-walk@example.com", passwordHash: "$argon2id$fake", autoApprove: true });
    const [row] = await testDb.db.insert(exchangeAccounts).values({ userId: user.id, exchange: "paper", label: "W" }).returning();
    const client = createPaperExchange({ db: testDb.db, accountId: row!.id, feeRate: "0.001", slippageBps: "0", simulate: true });
    const tenMinutesAgo = Date.now() - 10 * 60_000;
    await testDb.db.insert(paperPrices).values({ symbol: "SOL/USDT", price: "150", source: "signal", updatedAt: new Date(tenMinutesAgo) });
    const candles = await client.ohlcv("SOL/USDT", "1m", 20);
    const [stored] = await testDb.db.select().from(paperPrices).where(eq(paperPrices.symbol, "SOL/USDT"));
    expect(candles.length).toBeGreaterThanOrEqual(10);
    expect(candles.at(-1)!.close).toBe(new Decimal(stored!.price).toFixed());
    const steps = simulatedPath("SOL/USDT", stored!.updatedAt.getTime(), { price: "150", at: tenMinutesAgo })!;
    expect(steps.length).toBeGreaterThanOrEqual(119);
    const inFirstFullMinute = steps.filter((s) => s.at >= candles[1]!.time && s.at < candles[1]!.time + 60_000).map((s) => new Decimal(s.price));
    expect(candles[1]).toMatchObject({ open: inFirstFullMinute[0]!.toFixed(), close: inFirstFullMinute.at(-1)!.toFixed(), high: Decimal.max(...inFirstFullMinute).toFixed(), low: Decimal.min(...inFirstFullMinute).toFixed() });
  });
});

describe("the candle cache (database when no Redis)", () => {
  it("serves a kept answer until it expires, and never keeps a failure", async () => {
    const key = { venue: "test", symbol: `C${Date.now()}/USDT`, timeframe: "1m" as const, limit: 10 };
    let loads = 0;
    const candle = { time: 1, open: "1", high: "2", low: "0.5", close: "1.5", volume: "0" };
    const failing = () => Promise.reject(new ExchangeError("network", "down"));
    await expect(cachedCandles(key, failing)).rejects.toThrow("down");
    const load = async () => (loads++, [candle]);
    expect(await cachedCandles(key, load)).toEqual([candle]);
    expect(await cachedCandles(key, load)).toEqual([candle]);
    expect(loads).toBe(1);
    expect(await cachedCandles({ ...key, timeframe: "1h" }, load)).toEqual([candle]);
    expect(loads).toBe(2);
  });
});

describe.skipIf(!redisUp && !process.env.CI)("the candle cache on Upstash REST (bridge to Redis db 11)", () => {
  it("keeps an answer in Redis with an expiry, and never a failure", async () => {
    const bridge = await startUpstashBridge({ db: 11 });
    const saved = [process.env.UPSTASH_REDIS_REST_URL, process.env.UPSTASH_REDIS_REST_TOKEN];
    process.env.UPSTASH_REDIS_REST_URL = bridge.url;
    process.env.UPSTASH_REDIS_REST_TOKEN = bridge.token;
    try {
      await bridge.flush();
      const key = { venue: "redis", symbol: "BTC/USDT", timeframe: "1h" as const, limit: 5 };
      let loads = 0;
      const candle = { time: 2, open: "60000.12345678", high: "60001", low: "59999.5", close: "60000", volume: "1.5" };
      await expect(cachedCandles(key, () => Promise.reject(new ExchangeError("exchange_down", "503")))).rejects.toThrow("503");
      const load = async () => (loads++, [candle]);
      expect(await cachedCandles(key, load)).toEqual([candle]);
      expect(await cachedCandles(key, load)).toEqual([candle]);
      expect(loads).toBe(1);
      const { upstashRedis } = await import("@/lib/upstash");
      const ttl = await upstashRedis()!.pttl("cache:candles:redis:BTC/USDT:1h:5");
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30_000);
    } finally {
      process.env.UPSTASH_REDIS_REST_URL = saved[0];
      process.env.UPSTASH_REDIS_REST_TOKEN = saved[1];
      if (saved[0] === undefined) delete process.env.UPSTASH_REDIS_REST_URL;
      if (saved[1] === undefined) delete process.env.UPSTASH_REDIS_REST_TOKEN;
      await bridge.flush();
      await bridge.stop();
    }
  });
});
