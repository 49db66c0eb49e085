import type { Redis } from "@upstash/redis";
import type { SharedCache } from "./types";

/** One Redis key per value, expiring by itself. */
export function createUpstashCache(redis: Redis): SharedCache {
  return {
    driver: "upstash",
    async get<T>(key: string) {
      return (await redis.get<T>(`cache:${key}`)) ?? null;
    },
    async set(key, value, ttlMs) {
      await redis.set(`cache:${key}`, value, { px: Math.max(1, Math.ceil(ttlMs)) });
    },
  };
}
