import { AsyncLocalStorage } from "node:async_hooks";
import { getDb } from "@/db/client";
import { upstashRedis, upstashRestConfig } from "@/lib/upstash";
import { createPostgresCache } from "./postgres";
import type { SharedCache } from "./types";
import { createUpstashCache } from "./upstash";
import { log } from "@/lib/logger";

export type { SharedCache } from "./types";
export { createPostgresCache } from "./postgres";
export { createUpstashCache } from "./upstash";

// Resolves the database per call, so a handle swapped by setDbHandleForTests is followed.
function databaseCache(): SharedCache {
  const on = async () => createPostgresCache(await getDb());
  return {
    driver: "postgres",
    get: async (key) => (await on()).get(key),
    set: async (...args) => (await on()).set(...args),
  };
}

const globalForCache = globalThis as unknown as { __sbSharedCache?: { settings: string; cache: SharedCache } };

/** Upstash Redis when UPSTASH_REDIS_REST_URL and _TOKEN are set, else the database (chosen as they are now). */
export function getSharedCache(): SharedCache {
  const config = upstashRestConfig();
  const settings = config ? `${config.url}|${config.token}` : "";
  if (globalForCache.__sbSharedCache?.settings !== settings) {
    const redis = upstashRedis();
    globalForCache.__sbSharedCache = { settings, cache: redis ? createUpstashCache(redis) : databaseCache() };
  }
  return globalForCache.__sbSharedCache.cache;
}

const inFlight = new Map<string, Promise<unknown>>();

type Memo = Map<string, { value: unknown; until: number }>;
const memoScope = new AsyncLocalStorage<Memo>();

/**
 * Runs `work` with a memo in front of the shared cache: inside it, an entry read or written once is
 * answered from memory until its TTL ends, so one execution does not read the same ticker or market
 * list from the store twice. Scoped (not process-wide) so a value another server refreshes, or a store
 * cleared, is seen by the next execution at once.
 */
export function withCacheMemo<T>(work: () => Promise<T>): Promise<T> {
  return memoScope.getStore() ? work() : memoScope.run(new Map(), work);
}

/**
 * The shared value under `key`, else `load()`'s, kept `ttlMs` for every server (`refresh`: always load,
 * and share the new value). Callers in this process asking at once share one load. The store failing
 * only costs the load it would have saved.
 */
export function cachedValue<T>(key: string, ttlMs: number, load: () => Promise<T>, opts: { refresh?: boolean; memo?: boolean } = {}): Promise<T> {
  const memo = opts.memo === false ? undefined : memoScope.getStore();
  const remembered = memo?.get(key);
  if (remembered && !opts.refresh) {
    if (remembered.until > Date.now()) return Promise.resolve(remembered.value as T);
    memo!.delete(key);
  }
  const keep = (value: T) => {
    memo?.set(key, { value, until: Date.now() + ttlMs });
    return value;
  };
  // A refresh never joins a plain read, which may answer the stored value.
  const flight = opts.refresh ? `refresh:${key}` : key;
  const running = inFlight.get(flight) as Promise<T> | undefined;
  if (running) return running.then(keep);
  const cache = getSharedCache();
  const work = (async () => {
    const kept = opts.refresh ? null : await cache.get<T>(key).catch(() => null);
    if (kept !== null) return kept;
    const value = await load();
    await cache.set(key, value, ttlMs).catch((error: unknown) => {
      log().warn({ err: error }, "writing the shared cache failed");
    });
    return value;
  })();
  inFlight.set(flight, work);
  const done = () => inFlight.delete(flight);
  work.then(done, done);
  return work.then(keep);
}
