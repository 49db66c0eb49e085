import { getDb, getRelaxedDb } from "@/db/client";
import { upstashRedis } from "@/lib/upstash";
import { createPostgresRateLimiter } from "./postgres";
import type { RateLimiter } from "./types";
import { createUpstashRateLimiter } from "./upstash";

export type { HitOptions, HitResult, RateLimiter } from "./types";
export { createPostgresRateLimiter } from "./postgres";
export { createUpstashRateLimiter } from "./upstash";

// Resolves the database per call, so a handle swapped by setDbHandleForTests is followed. Counters
// commit without waiting for the disk: a hot key (one signal, one address, a venue's budget) would
// otherwise be held locked for a flush per hit, and a counter lost in a database crash costs nothing.
function databaseRateLimiter(): RateLimiter {
  const on = async () => createPostgresRateLimiter(await getRelaxedDb());
  return {
    driver: "postgres",
    hit: async (...args) => (await on()).hit(...args),
    block: async (...args) => (await on()).block(...args),
    raise: async (...args) => (await on()).raise(...args),
  };
}

// Next.js may evaluate this module in several bundles: one limiter per server.
const globalForLimiter = globalThis as unknown as { __sbRateLimiter?: Promise<RateLimiter> };

/** Upstash Redis when UPSTASH_REDIS_REST_URL and _TOKEN are set, else the database. */
export function getRateLimiter(): Promise<RateLimiter> {
  if (!globalForLimiter.__sbRateLimiter) {
    const redis = upstashRedis();
    globalForLimiter.__sbRateLimiter = redis
      ? Promise.resolve(createUpstashRateLimiter(redis))
      : getDb().then(() => databaseRateLimiter());
    globalForLimiter.__sbRateLimiter.catch(() => {
      globalForLimiter.__sbRateLimiter = undefined;
    });
  }
  return globalForLimiter.__sbRateLimiter;
}

export function resetRateLimiterForTests() {
  globalForLimiter.__sbRateLimiter = undefined;
}
