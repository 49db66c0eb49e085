import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cachedValue, createPostgresCache, createUpstashCache, type SharedCache } from "@/lib/cache";
import { useTestDatabase } from "../helpers/test-db";
import { isReachable, startUpstashBridge, type UpstashBridge } from "../helpers/upstash-bridge";

const REDIS_PORT = 6379;
const REDIS_DB = 7;
const redisUp = await isReachable(REDIS_PORT);
const skipRedis = !redisUp && !process.env.CI;

const testDb = useTestDatabase();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What both drivers promise. */
function sharedCacheContract(make: () => SharedCache) {
  it("keeps a value for its time to live, then answers null", async () => {
    const cache = make();
    const key = `test:${randomUUID()}`;
    expect(await cache.get(key)).toBeNull();
    await cache.set(key, { last: "60000.12", at: 1 }, 300);
    expect(await make().get(key)).toEqual({ last: "60000.12", at: 1 });
    await sleep(400);
    expect(await cache.get(key)).toBeNull();
  });

  it("a later write replaces the value and its time to live", async () => {
    const cache = make();
    const key = `test:${randomUUID()}`;
    await cache.set(key, [1], 200);
    await cache.set(key, [2], 5_000);
    await sleep(300);
    expect(await cache.get(key)).toEqual([2]);
  });
}

describe(`shared cache on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  sharedCacheContract(() => createPostgresCache(testDb.db));

  it("callers asking at once share one load; a refresh loads again", async () => {
    const key = `test:${randomUUID()}`;
    let loads = 0;
    const load = async () => {
      loads++;
      await sleep(50);
      return { n: loads };
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => cachedValue(key, 5_000, load)));
    expect(loads).toBe(1);
    expect(answers.every((a) => a.n === 1)).toBe(true);
    expect(await cachedValue(key, 5_000, load)).toEqual({ n: 1 });
    expect(await cachedValue(key, 5_000, load, { refresh: true })).toEqual({ n: 2 });
    expect(await cachedValue(key, 5_000, load)).toEqual({ n: 2 });
  });
});

describe.skipIf(skipRedis)(`shared cache on Upstash REST (bridge to Redis 127.0.0.1:${REDIS_PORT} db ${REDIS_DB})`, () => {
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

  sharedCacheContract(() => {
    if (!bridge) throw new Error("bridge not started");
    return createUpstashCache(new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false }));
  });
});
