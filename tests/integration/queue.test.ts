import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPostgresQueue,
  createUpstashQueue,
  getQueue,
  resetQueueForTests,
  type Queue,
  type QueueJob,
} from "@/lib/queue";
import { useTestDatabase } from "../helpers/test-db";
import { isReachable, startUpstashBridge, type UpstashBridge } from "../helpers/upstash-bridge";

const REDIS_PORT = 6379;
const REDIS_DB = 5;
const redisUp = await isReachable(REDIS_PORT);
const skipRedis = !redisUp && !process.env.CI;
if (skipRedis) console.warn(`Redis on 127.0.0.1:${REDIS_PORT} is unreachable: skipping the Upstash queue driver.`);

const testDb = useTestDatabase();

/** Runs `fn` with the Upstash variables set (or unset) and the cached queue dropped around it. */
async function withUpstashEnv(value: { url: string; token: string } | undefined, fn: () => Promise<void>) {
  const saved = [process.env.UPSTASH_REDIS_REST_URL, process.env.UPSTASH_REDIS_REST_TOKEN] as const;
  const set = (name: string, v: string | undefined) => {
    if (v === undefined) delete process.env[name];
    else process.env[name] = v;
  };
  set("UPSTASH_REDIS_REST_URL", value?.url);
  set("UPSTASH_REDIS_REST_TOKEN", value?.token);
  resetQueueForTests();
  try {
    await fn();
  } finally {
    set("UPSTASH_REDIS_REST_URL", saved[0]);
    set("UPSTASH_REDIS_REST_TOKEN", saved[1]);
    resetQueueForTests();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const payloads = (jobs: QueueJob[]) => jobs.map((j) => j.payload.n);

/** The behaviour both drivers promise; `make` returns a queue on a fresh client where the driver has one. */
function queueContract(make: () => Queue) {
  const fresh = () => ({ queue: make(), name: `test-${randomUUID()}` });

  it("claims oldest first", async () => {
    const { queue, name } = fresh();
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await queue.enqueue(name, { n }));
    expect(new Set(ids).size).toBe(5);
    const [first] = await queue.claim(name, { leaseMs: 60_000 });
    expect(first).toMatchObject({ id: ids[0], payload: { n: 1 }, attempts: 1 });
    const rest = await queue.claim(name, { leaseMs: 60_000, limit: 10 });
    expect(payloads(rest)).toEqual([2, 3, 4, 5]);
    expect(rest.map((j) => j.id)).toEqual(ids.slice(1));
    expect(await queue.claim(name, { leaseMs: 60_000 })).toEqual([]);
  });

  it("returns at most `limit` jobs (one by default)", async () => {
    const { queue, name } = fresh();
    for (let n = 1; n <= 5; n++) await queue.enqueue(name, { n });
    expect(await queue.claim(name, { leaseMs: 60_000 })).toHaveLength(1);
    expect(payloads(await queue.claim(name, { leaseMs: 60_000, limit: 3 }))).toEqual([2, 3, 4]);
    expect(payloads(await queue.claim(name, { leaseMs: 60_000, limit: 3 }))).toEqual([5]);
  });

  it("never gives one job to two concurrent claimers, and hands out all of them", async () => {
    const { queue, name } = fresh();
    for (let n = 1; n <= 50; n++) await queue.enqueue(name, { n });
    const claimer = async () => {
      const own = make();
      const got: QueueJob[] = [];
      for (;;) {
        const jobs = await own.claim(name, { leaseMs: 60_000, limit: 3 });
        if (jobs.length === 0) return got;
        got.push(...jobs);
      }
    };
    const all = (await Promise.all(Array.from({ length: 10 }, claimer))).flat();
    expect(all).toHaveLength(50);
    expect(new Set(all.map((j) => j.id)).size).toBe(50);
    expect(new Set(payloads(all))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => i + 1)));
    expect(await queue.size(name)).toEqual({ ready: 0, leased: 50 });
  });

  it("makes a job claimable again when its lease expires, and the old lease can no longer ack", async () => {
    const { queue, name } = fresh();
    const id = await queue.enqueue(name, { n: 1 });
    const [first] = await queue.claim(name, { leaseMs: 300 });
    expect(first).toMatchObject({ id, attempts: 1 });
    expect(await queue.claim(name, { leaseMs: 300 })).toEqual([]);
    await sleep(450);
    const [second] = await queue.claim(name, { leaseMs: 60_000 });
    expect(second).toMatchObject({ id, attempts: 2, payload: { n: 1 } });
    expect(second!.leaseToken).not.toBe(first!.leaseToken);
    expect(await queue.ack(name, first!)).toBe(false);
    expect(await queue.release(name, first!)).toBe(false);
    expect(await queue.size(name)).toEqual({ ready: 0, leased: 1 });
    expect(await queue.ack(name, second!)).toBe(true);
    expect(await queue.size(name)).toEqual({ ready: 0, leased: 0 });
  });

  it("extends a held lease (a worker's heartbeat), and never one that was lost or re-claimed", async () => {
    const { queue, name } = fresh();
    await queue.enqueue(name, { n: 1 });
    const [job] = await queue.claim(name, { leaseMs: 300 });
    await sleep(150);
    expect(await queue.extend(name, job!, 600)).toBe(true);
    // Past the first lease, within the extended one: nobody else gets it.
    await sleep(300);
    expect(await queue.claim(name, { leaseMs: 60_000 })).toEqual([]);
    expect(await queue.size(name)).toEqual({ ready: 0, leased: 1 });
    // Lapsed: another worker claims it, and the first worker's heartbeat no longer holds anything.
    await sleep(450);
    const [again] = await queue.claim(name, { leaseMs: 60_000 });
    expect(again).toMatchObject({ id: job!.id, attempts: 2 });
    expect(await queue.extend(name, job!, 60_000)).toBe(false);
    expect(await queue.ack(name, again!)).toBe(true);
    expect(await queue.extend(name, again!, 60_000)).toBe(false);
  });

  it("does not extend a lapsed lease, even one no other worker has claimed yet", async () => {
    const { queue, name } = fresh();
    await queue.enqueue(name, { n: 1 });
    await queue.enqueue(name, { n: 2 });
    const [first, second] = await queue.claim(name, { leaseMs: 200, limit: 2 });
    await sleep(350);
    // This claim takes one job; the other lapsed one is back in ready, not held by anyone.
    const [taken] = await queue.claim(name, { leaseMs: 60_000 });
    const left = taken!.id === first!.id ? second! : first!;
    expect(await queue.extend(name, left, 60_000)).toBe(false);
    const [next] = await queue.claim(name, { leaseMs: 60_000 });
    expect(next!.id).toBe(left.id);
  });

  it("releases a job for a later retry, with or without a delay", async () => {
    const { queue, name } = fresh();
    await queue.enqueue(name, { n: 1 });
    await queue.enqueue(name, { n: 2 });
    const [a] = await queue.claim(name, { leaseMs: 60_000 });
    expect(await queue.release(name, a!, { delayMs: 400 })).toBe(true);
    expect(await queue.release(name, a!)).toBe(false);
    const [b] = await queue.claim(name, { leaseMs: 60_000 });
    expect(b?.payload).toEqual({ n: 2 });
    expect(await queue.claim(name, { leaseMs: 60_000 })).toEqual([]);
    expect(await queue.size(name)).toEqual({ ready: 1, leased: 1 });
    // Released without a delay, a job is claimable at once and keeps its place (by enqueue order).
    expect(await queue.release(name, b!)).toBe(true);
    await sleep(500);
    const again = await queue.claim(name, { leaseMs: 60_000, limit: 5 });
    expect(again.map((j) => [j.payload.n, j.attempts])).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it("holds a delayed enqueue back until it is due", async () => {
    const { queue, name } = fresh();
    await queue.enqueue(name, { n: 1 }, { delayMs: 300 });
    expect(await queue.claim(name, { leaseMs: 60_000 })).toEqual([]);
    expect(await queue.size(name)).toEqual({ ready: 1, leased: 0 });
    await sleep(400);
    expect(payloads(await queue.claim(name, { leaseMs: 60_000 }))).toEqual([1]);
  });

  it("removes a job on ack, once", async () => {
    const { queue, name } = fresh();
    await queue.enqueue(name, { n: 1, nested: { list: [1, "two"], flag: true } });
    const [job] = await queue.claim(name, { leaseMs: 60_000 });
    expect(job?.payload).toEqual({ n: 1, nested: { list: [1, "two"], flag: true } });
    expect(await queue.ack(name, job!)).toBe(true);
    expect(await queue.ack(name, job!)).toBe(false);
    expect(await queue.release(name, job!)).toBe(false);
    expect(await queue.claim(name, { leaseMs: 60_000 })).toEqual([]);
    expect(await queue.size(name)).toEqual({ ready: 0, leased: 0 });
  });

  it("counts ready and leased jobs per queue", async () => {
    const { queue, name } = fresh();
    const other = `${name}-other`;
    for (let n = 1; n <= 3; n++) await queue.enqueue(name, { n });
    await queue.enqueue(name, { n: 4 }, { delayMs: 60_000 });
    await queue.enqueue(other, { n: 5 });
    expect(await queue.size(name)).toEqual({ ready: 4, leased: 0 });
    const jobs = await queue.claim(name, { leaseMs: 60_000, limit: 2 });
    expect(await queue.size(name)).toEqual({ ready: 2, leased: 2 });
    await queue.ack(name, jobs[0]!);
    expect(await queue.size(name)).toEqual({ ready: 2, leased: 1 });
    expect(await queue.size(other)).toEqual({ ready: 1, leased: 0 });
    // A job is acked through its own queue only.
    expect(await queue.ack(other, jobs[1]!)).toBe(false);
  });
}

describe(`queue on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  queueContract(() => createPostgresQueue(testDb.db));

  it("is what getQueue() gives without Upstash settings, on the current database", async () => {
    await withUpstashEnv(undefined, async () => {
      const queue = await getQueue();
      expect(queue.driver).toBe("postgres");
      const id = await queue.enqueue("chosen", { n: 1 });
      expect((await queue.claim("chosen", { leaseMs: 1_000 }))[0]?.id).toBe(id);
    });
  });
});

describe.skipIf(skipRedis)(
  `queue on Upstash REST (bridge to Redis 127.0.0.1:${REDIS_PORT} db ${REDIS_DB})${skipRedis ? ": skipped, Redis unreachable" : ""}`,
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

    it("is what getQueue() gives when UPSTASH_REDIS_REST_URL and _TOKEN are set", async () => {
      await withUpstashEnv(bridge, async () => {
        const queue = await getQueue();
        expect(queue.driver).toBe("upstash");
        const id = await queue.enqueue("chosen", { n: 1 });
        expect((await queue.claim("chosen", { leaseMs: 1_000 }))[0]?.id).toBe(id);
      });
    });

    queueContract(() => {
      if (!bridge) throw new Error("bridge not started");
      return createUpstashQueue(new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false }));
    });
  },
);
