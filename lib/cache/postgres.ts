import { and, eq, gt, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { sharedCache } from "@/db/schema";
import type { SharedCache } from "./types";

/** Rows in `shared_cache`; expired rows are never read and are swept now and then by writers. */
export function createPostgresCache(db: Database): SharedCache {
  return {
    driver: "postgres",

    async get<T>(key: string) {
      const [row] = await db
        .select({ value: sharedCache.value })
        .from(sharedCache)
        .where(and(eq(sharedCache.key, key), gt(sharedCache.expiresAt, sql`now()`)))
        .limit(1);
      return row ? (row.value as T) : null;
    },

    async set(key, value, ttlMs) {
      const expiresAt = sql`now() + (${Math.max(1, Math.ceil(ttlMs))}::double precision * interval '1 millisecond')`;
      await db
        .insert(sharedCache)
        .values({ key, value, expiresAt })
        .onConflictDoUpdate({ target: sharedCache.key, set: { value, expiresAt } });
      if (Math.random() < 0.02) await db.delete(sharedCache).where(lt(sharedCache.expiresAt, sql`now() - interval '1 minute'`));
    },
  };
}
