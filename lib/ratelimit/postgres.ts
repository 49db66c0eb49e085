import { sql, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { groupCommit } from "@/lib/group-commit";
import { checkHit, checkRaise, type HitResult, type RateLimiter } from "./types";

type Hit = { key: string; limit: number; windowMs: number; cost: number };
/** The hits of one batch on one key, summed, and which calls they are. */
type KeyHits = Hit & { calls: number[] };

/** One limiter per database handle, so the hits of every caller on it are batched together. */
const limiters = new WeakMap<Database, RateLimiter>();

/** `db.execute()` yields `{ rows }` on PGlite and an array (RowList) on postgres.js. */
async function executeRows<T extends Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

const msInterval = (ms: number) => sql`(${ms}::double precision * interval '1 millisecond')`;

/**
 * Counters in `rate_limit_counters`; the upsert takes the row lock, so concurrent hits queue up on it.
 * Hits made at once (a burst of webhooks on one signal and one address) are spent together: one upsert
 * for the batch, each key's hits summed into one row change that is made only if all of them fit. A key
 * whose sum does not fit is hit one call at a time, as alone, so a refusal is exactly what it would be.
 */
export function createPostgresRateLimiter(db: Database): RateLimiter {
  const known = limiters.get(db);
  if (known) return known;

  async function hitOne({ key, limit, windowMs, cost }: Hit): Promise<HitResult> {
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
  }

  const hits = groupCommit(async (items: Hit[]): Promise<HitResult[]> => {
    const results: (HitResult | undefined)[] = Array.from({ length: items.length });
    const groups = new Map<string, KeyHits>();
    const alone: number[] = [];
    items.forEach((item, i) => {
      const group = groups.get(item.key);
      if (!group) groups.set(item.key, { key: item.key, limit: item.limit, windowMs: item.windowMs, cost: item.cost, calls: [i] });
      else if (group.limit === item.limit && group.windowMs === item.windowMs && group.cost + item.cost <= item.limit) {
        group.cost += item.cost;
        group.calls.push(i);
      } else alone.push(i);
    });
    // One statement per limit and window (the keys of one kind of counter share them).
    const bySetting = new Map<string, KeyHits[]>();
    for (const group of groups.values()) {
      const setting = `${group.limit}/${group.windowMs}`;
      bySetting.set(setting, [...(bySetting.get(setting) ?? []), group]);
    }
    for (const same of bySetting.values()) {
      const { limit, windowMs } = same[0]!;
      const windowOver = sql`c.window_start + ${msInterval(windowMs)} <= now()`;
      // Keys in one order, so two processes' batches lock the counters in one order (no deadlock).
      same.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
      const spent = await executeRows<{ key: unknown; count: unknown }>(
        db,
        sql`insert into rate_limit_counters as c (key, window_start, count)
            values ${sql.join(
              same.map((g) => sql`(${g.key}, now(), ${g.cost}::int)`),
              sql`, `,
            )}
            on conflict (key) do update set
              window_start = case when ${windowOver} then now() else c.window_start end,
              count = case when ${windowOver} then excluded.count else c.count + excluded.count end
            where (c.blocked_until is null or c.blocked_until <= now())
              and (case when ${windowOver} then 0 else c.count end) + excluded.count <= ${limit}::int
            returning key, count`,
      );
      const counts = new Map(spent.map((row) => [String(row.key), Number(row.count)]));
      for (const group of same) {
        const count = counts.get(group.key);
        if (count === undefined) alone.push(...group.calls);
        else {
          // Each call is answered as if the group's hits had been made one after another, in call order.
          let spent = count - group.cost;
          for (const i of group.calls) {
            spent += items[i]!.cost;
            results[i] = { allowed: true, remaining: limit - spent, retryAfterMs: 0 };
          }
        }
      }
    }
    // Each key's hits one at a time, the keys side by side; once a key refuses a hit, its later hits in
    // this batch are refused alike (a flood past the limit costs two statements per key and batch).
    const perKey = new Map<string, number[]>();
    for (const i of alone.sort((a, b) => a - b)) perKey.set(items[i]!.key, [...(perKey.get(items[i]!.key) ?? []), i]);
    await Promise.all(
      [...perKey.values()].map(async (calls) => {
        const refused = new Map<string, HitResult>();
        for (const i of calls) {
          const item = items[i]!;
          const setting = `${item.limit}/${item.windowMs}/${item.cost}`;
          const known = refused.get(setting);
          if (known) {
            results[i] = known;
            continue;
          }
          results[i] = await hitOne(item);
          if (!results[i]!.allowed) refused.set(setting, results[i]!);
        }
      }),
    );
    return results as HitResult[];
  });

  const limiter: RateLimiter = {
    driver: "postgres",

    async hit(key, opts) {
      return hits({ key, ...checkHit(opts) });
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
  limiters.set(db, limiter);
  return limiter;
}
