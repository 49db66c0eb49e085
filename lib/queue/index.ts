import { getDb } from "@/db/client";
import { upstashRedis } from "@/lib/upstash";
import { createPostgresQueue } from "./postgres";
import type { Queue } from "./types";
import { createUpstashQueue } from "./upstash";

export type { Queue, QueueJob, QueueSize } from "./types";
export { createPostgresQueue } from "./postgres";
export { createUpstashQueue } from "./upstash";

// Resolves the database per call, so a handle swapped by setDbHandleForTests is followed.
function databaseQueue(): Queue {
  const on = async () => createPostgresQueue(await getDb());
  return {
    driver: "postgres",
    enqueue: async (...args) => (await on()).enqueue(...args),
    claim: async (...args) => (await on()).claim(...args),
    ack: async (...args) => (await on()).ack(...args),
    extend: async (...args) => (await on()).extend(...args),
    release: async (...args) => (await on()).release(...args),
    size: async (...args) => (await on()).size(...args),
  };
}

// Next.js may evaluate this module in several bundles: one queue per server.
const globalForQueue = globalThis as unknown as { __sbQueue?: Promise<Queue> };

export function getQueue(): Promise<Queue> {
  if (!globalForQueue.__sbQueue) {
    const redis = upstashRedis();
    globalForQueue.__sbQueue = redis
      ? Promise.resolve(createUpstashQueue(redis))
      : getDb().then(() => databaseQueue());
    globalForQueue.__sbQueue.catch(() => {
      globalForQueue.__sbQueue = undefined;
    });
  }
  return globalForQueue.__sbQueue;
}

/** Tests that swap the database or the environment drop the cached queue. */
export function resetQueueForTests() {
  globalForQueue.__sbQueue = undefined;
}
