import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { checkHit, checkRaise, type RateLimiter } from "./types";

/** `db.execute()` yields `{ rows }` on PGlite and an array (RowList) on postgres.js. */
async function executeRows<T extends Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

const msInterval = (ms: number) => sql`(${ms}::double precision * interval '1 millisecond')`;

/** Counters in `rate_limit_counters`; the upsert takes the row lock, so concurrent hits queue up on it. */
export function createPostgresRateLimiter(db: Database): RateLimiter {
  return {
    driver: "postgres",

    async hit(key, opts) {
      const { limit, windowMs, cost } = checkHit(opts);
      const windowOver = sql`c.window_start + ${msInterval(windowMs)} <= now()`;
      // The conditional DO UPDATE leaves a refused hit's row untouched and returns no row.
      const [spent] = await executeRows<{ count: unknown }>(
        db,
        sql`insert into rate_limit_counters as c (key, window_start, count)
            values (${key}, now(), ${cost}::int)
            on conflict (key) do update set
              window_start = case when ${windowOver} then now() else c.window_start end,
              count = case when ${windowOver} then ${cost}::int else c.count + ${cost}::int end
            where (c.blocked_until is null or c.blocked_until <= now())
              and (case when ${windowOver} then 0 else c.count end) + ${cost}::int <= ${limit}::int
            returning count`,
      );
      if (spent) return { allowed: true, remaining: limit - Number(spent.count), retryAfterMs: 0 };

      // A second statement, so it sees the row as the concurrent hits that filled it left it.
      const [row] = await executeRows<{ used: unknown; blocked_ms: unknown; reset_ms: unknown }>(
        db,
        sql`select count as used,
                   extract(epoch from (blocked_until - now())) * 1000 as blocked_ms,
                   extract(epoch from (window_start + ${msInterval(windowMs)} - now())) * 1000 as reset_ms
            from rate_limit_counters where key = ${key}`,
      );
      const blockedMs = Number(row?.blocked_ms ?? 0);
      if (blockedMs > 0) return { allowed: false, remaining: 0, retryAfterMs: Math.ceil(blockedMs) };
      return {
        allowed: false,
        remaining: Math.max(0, limit - Number(row?.used ?? 0)),
        retryAfterMs: Math.max(1, Math.ceil(Number(row?.reset_ms ?? 0))),
      };
    },

    async block(key, ms) {
      if (!Number.isFinite(ms) || ms <= 0) return;
      await db.execute(
        sql`insert into rate_limit_counters as c (key, window_start, count, blocked_until)
            values (${key}, now(), 0, now() + ${msInterval(Math.ceil(ms))})
            on conflict (key) do update set blocked_until = greatest(c.blocked_until, excluded.blocked_until)`,
      );
    },

    async raise(key, opts) {
      const { windowMs, used } = checkRaise(opts);
      const windowOver = sql`c.window_start + ${msInterval(windowMs)} <= now()`;
      await db.execute(
        sql`insert into rate_limit_counters as c (key, window_start, count)
            values (${key}, now(), ${used}::int)
            on conflict (key) do update set
              window_start = case when ${windowOver} then now() else c.window_start end,
              count = case when ${windowOver} then ${used}::int else greatest(c.count, ${used}::int) end`,
      );
    },
  };
}
