import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPostgresRateLimiter,
  createUpstashRateLimiter,
  getRateLimiter,
  resetRateLimiterForTests,
  type RateLimiter,
} from "@/lib/ratelimit";
import { useTestDatabase } from "../helpers/test-db";
import { isReachable, startUpstashBridge, type UpstashBridge } from "../helpers/upstash-bridge";

const REDIS_PORT = 6379;
const REDIS_DB = 6;
const redisUp = await isReachable(REDIS_PORT);
const skipRedis = !redisUp && !process.env.CI;
if (skipRedis) console.warn(`Redis on 127.0.0.1:${REDIS_PORT} is unreachable: skipping the Upstash rate limiter.`);

const testDb = useTestDatabase();

/** Runs `fn` with the Upstash variables set (or unset) and the cached limiter dropped around it. */
async function withUpstashEnv(value: { url: string; token: string } | undefined, fn: () => Promise<void>) {
  const saved = [process.env.UPSTASH_REDIS_REST_URL, process.env.UPSTASH_REDIS_REST_TOKEN] as const;
  const set = (name: string, v: string | undefined) => {
    if (v === undefined) delete process.env[name];
    else process.env[name] = v;
  };
  set("UPSTASH_REDIS_REST_URL", value?.url);
  set("UPSTASH_REDIS_REST_TOKEN", value?.token);
  resetRateLimiterForTests();
  try {
    await fn();
  } finally {
    set("UPSTASH_REDIS_REST_URL", saved[0]);
    set("UPSTASH_REDIS_REST_TOKEN", saved[1]);
    resetRateLimiterForTests();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The behaviour both drivers promise; `make` returns a limiter on a fresh client where the driver has one. */
function rateLimiterContract(make: () => RateLimiter) {
  const fresh = () => ({ limiter: make(), key: `test:${randomUUID()}` });

  it("never allows more than the limit to concurrent hits", async () => {
    const { key } = fresh();
    const results = await Promise.all(Array.from({ length: 50 }, () => make().hit(key, { limit: 10, windowMs: 60_000 })));
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(10);
    expect(allowed.map((r) => r.remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(allowed.every((r) => r.retryAfterMs === 0)).toBe(true);
    for (const refused of results.filter((r) => !r.allowed)) {
      expect(refused.remaining).toBe(0);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
  });

  it("answers hits made at once on several keys, limits and costs each exactly as if made one by one", async () => {
    const limiter = make();
    const [a, b, c] = [`test:${randomUUID()}`, `test:${randomUUID()}`, `test:${randomUUID()}`];
    // Interleaved: 30 hits on a (limit 10), 30 on b (limit 25), 4 of cost 2 on c (limit 5).
    const calls = Array.from({ length: 30 }, (_, i) => [
      ["a", limiter.hit(a, { limit: 10, windowMs: 60_000 })],
      ["b", limiter.hit(b, { limit: 25, windowMs: 60_000 })],
      ...(i < 4 ? [["c", limiter.hit(c, { limit: 5, windowMs: 60_000, cost: 2 })]] : []),
    ]).flat() as [string, Promise<{ allowed: boolean; remaining: number }>][];
    const results = await Promise.all(calls.map(async ([key, hit]) => ({ key, ...(await hit) })));
    const allowed = (key: string) =>
      results
        .filter((r) => r.key === key && r.allowed)
        .map((r) => r.remaining)
        .sort((x, y) => y - x);
    expect(allowed("a")).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(allowed("b")).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
    expect(allowed("c")).toEqual([3, 1]);
    expect(results.filter((r) => !r.allowed).map((r) => r.key).sort()).toEqual([...Array(20).fill("a"), ...Array(5).fill("b"), "c", "c"]);
  });

  it("starts a new window when the old one has passed", async () => {
    const { limiter, key } = fresh();
    const opts = { limit: 2, windowMs: 300 };
    expect(await limiter.hit(key, opts)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(await limiter.hit(key, opts)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    const refused = await limiter.hit(key, opts);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
    await sleep(refused.retryAfterMs + 50);
    expect(await limiter.hit(key, opts)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
  });

  it("spends `cost` units per hit, and nothing for a refused hit", async () => {
    const { limiter, key } = fresh();
    const hit = (cost: number) => limiter.hit(key, { limit: 10, windowMs: 60_000, cost });
    expect(await hit(4)).toMatchObject({ allowed: true, remaining: 6 });
    expect(await hit(4)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await hit(4)).toMatchObject({ allowed: false, remaining: 2 });
    expect(await hit(2)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await hit(0)).toMatchObject({ allowed: true, remaining: 0 });
    await expect(hit(11)).rejects.toBeInstanceOf(RangeError);
  });

  it("keeps keys apart", async () => {
    const { limiter, key } = fresh();
    const opts = { limit: 1, windowMs: 60_000 };
    expect((await limiter.hit(key, opts)).allowed).toBe(true);
    expect((await limiter.hit(key, opts)).allowed).toBe(false);
    expect((await limiter.hit(`${key}:other`, opts)).allowed).toBe(true);
  });

  it("refuses every hit while a key is blocked, and says for how long", async () => {
    const { limiter, key } = fresh();
    const opts = { limit: 100, windowMs: 60_000 };
    expect((await limiter.hit(key, opts)).allowed).toBe(true);
    await limiter.block(key, 400);
    await limiter.block(key, 50); // a shorter block never cuts a longer one short
    const refused = await Promise.all([make().hit(key, opts), make().hit(key, opts)]);
    for (const r of refused) {
      expect(r).toMatchObject({ allowed: false, remaining: 0 });
      expect(r.retryAfterMs).toBeGreaterThan(200);
      expect(r.retryAfterMs).toBeLessThanOrEqual(400);
    }
    await sleep(refused[0]!.retryAfterMs + 50);
    // Refused hits spent nothing: the window still holds just the first hit.
    expect(await limiter.hit(key, opts)).toEqual({ allowed: true, remaining: 98, retryAfterMs: 0 });
  });

  it("blocks a key that has no counter yet", async () => {
    const { limiter, key } = fresh();
    await limiter.block(key, 300);
    const refused = await limiter.hit(key, { limit: 5, windowMs: 1_000 });
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
    await sleep(refused.retryAfterMs + 50);
    expect(await limiter.hit(key, { limit: 5, windowMs: 1_000 })).toMatchObject({ allowed: true, remaining: 4 });
  });

  it("raises the spent units to what the venue reports, never lowers them, and opens a window when none is", async () => {
    const { limiter, key } = fresh();
    const opts = { limit: 100, windowMs: 400 };
    await limiter.raise(key, { windowMs: 400, used: 30 });
    expect(await limiter.hit(key, opts)).toMatchObject({ allowed: true, remaining: 69 });
    await limiter.raise(key, { windowMs: 400, used: 90 });
    expect(await limiter.hit(key, opts)).toMatchObject({ allowed: true, remaining: 9 });
    await limiter.raise(key, { windowMs: 400, used: 10 });
    expect(await limiter.hit(key, { ...opts, cost: 10 })).toMatchObject({ allowed: false, remaining: 9 });
    await sleep(450);
    expect(await limiter.hit(key, opts)).toMatchObject({ allowed: true, remaining: 99 });
    await expect(limiter.raise(key, { windowMs: 400, used: -1 })).rejects.toBeInstanceOf(RangeError);
  });
}

describe(`rate limiter on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  rateLimiterContract(() => createPostgresRateLimiter(testDb.db));

  it("is what getRateLimiter() gives without Upstash settings, on the current database", async () => {
    await withUpstashEnv(undefined, async () => {
      const limiter = await getRateLimiter();
      expect(limiter.driver).toBe("postgres");
      expect(await limiter.hit("chosen", { limit: 3, windowMs: 1_000 })).toMatchObject({ allowed: true, remaining: 2 });
    });
  });
});

describe.skipIf(skipRedis)(
  `rate limiter on Upstash REST (bridge to Redis 127.0.0.1:${REDIS_PORT} db ${REDIS_DB})${skipRedis ? ": skipped, Redis unreachable" : ""}`,
  () => {
    let bridge: UpstashBridge | undefined;

    beforeAll(async () => {
      if (!redisUp) throw new Error(`CI is set but Redis on 127.0.0.1:${REDIS_PORT} is unreachable`);
      bridge = await startUpstashBridge({ redisPort: REDIS_PORT, db: REDIS_DB });
      await bridge.flush();
    });

    afterAll(async () => {
      await bridge?.flush();
      await bridge?.stop();
    });

    it("is what getRateLimiter() gives when UPSTASH_REDIS_REST_URL and _TOKEN are set", async () => {
      await withUpstashEnv(bridge, async () => {
        const limiter = await getRateLimiter();
        expect(limiter.driver).toBe("upstash");
        expect(await limiter.hit("chosen", { limit: 3, windowMs: 1_000 })).toMatchObject({ allowed: true, remaining: 2 });
      });
    });

    rateLimiterContract(() => {
      if (!bridge) throw new Error("bridge not started");
      return createUpstashRateLimiter(new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false }));
    });
  },
);
