import type { Redis } from "@upstash/redis";
import { checkHit, checkRaise, type RateLimiter } from "./types";

// The hash tag keeps a counter and its block key in one cluster slot, as a script's keys must be.
const keys = (key: string) => [`ratelimit:{${key}}`, `ratelimit:{${key}}:blocked`];

const HIT = `local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, 0, blocked} end
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if used + cost > limit then
  if ttl < 0 then ttl = window end
  return {0, math.max(0, limit - used), ttl}
end
local count = redis.call('INCRBY', KEYS[1], cost)
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], window) end
return {1, limit - count, 0}`;

const BLOCK = `local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return 1`;

const RAISE = `local used, window = tonumber(ARGV[1]), tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[1]) or '0') >= used then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then ttl = window end
redis.call('SET', KEYS[1], used, 'PX', ttl)
return 1`;

/** INCRBY + PEXPIRE in one script per hit, so a window's first hit and its expiry cannot be split. */
export function createUpstashRateLimiter(redis: Redis): RateLimiter {
  return {
    driver: "upstash",

    async hit(key, opts) {
      const { limit, windowMs, cost } = checkHit(opts);
      const [allowed, remaining, retryAfterMs] = await redis.eval<[number, number, number], [number, number, number]>(
        HIT,
        keys(key),
        [limit, windowMs, cost],
      );
      return { allowed: Number(allowed) === 1, remaining: Number(remaining), retryAfterMs: Number(retryAfterMs) };
    },

    async block(key, ms) {
      if (!Number.isFinite(ms) || ms <= 0) return;
      await redis.eval<[number], number>(BLOCK, [keys(key)[1]!], [Math.ceil(ms)]);
    },

    async raise(key, opts) {
      const { windowMs, used } = checkRaise(opts);
      await redis.eval<[number, number], number>(RAISE, [keys(key)[0]!], [used, windowMs]);
    },
  };
}
