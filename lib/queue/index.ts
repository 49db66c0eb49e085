import { Redis } from "@upstash/redis";
import { getDb } from "@/db/client";
import { createPostgresQueue } from "./postgres";
import type { Queue } from "./types";
import { createUpstashQueue } from "./upstash";

export type { Queue, QueueJob, QueueSize } from "./types";
export { createPostgresQueue } from "./postgres";
export { createUpstashQueue } from "./upstash";

/** The Upstash REST credentials when both are set; otherwise the database is used. */
export function upstashRestConfig(): { url: string; token: string } | undefined {
  const url = process.env.UPSTASH_REDIS_REST_URL?.trim();
  const token = process.env.UPSTASH_REDIS_REST_TOKEN?.trim();
  return url && token ? { url, token } : undefined;
}

// Resolves the database per call, so a handle swapped by setDbHandleForTests is followed.
function databaseQueue(): Queue {
  const on = async () => createPostgresQueue(await getDb());
  return {
    driver: "postgres",
    enqueue: async (...args) => (await on()).enqueue(...args),
    claim: async (...args) => (await on()).claim(...args),
    ack: async (...args) => (await on()).ack(...args),
    release: async (...args) => (await on()).release(...args),
    size: async (...args) => (await on()).size(...args),
  };
}

// Next.js may evaluate this module in several bundles: one queue per server.
const globalForQueue = globalThis as unknown as { __sbQueue?: Promise<Queue> };

export function getQueue(): Promise<Queue> {
  if (!globalForQueue.__sbQueue) {
    const upstash = upstashRestConfig();
    globalForQueue.__sbQueue = upstash
      ? Promise.resolve(createUpstashQueue(new Redis({ ...upstash, enableTelemetry: false })))
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
