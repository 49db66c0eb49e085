import type { Redis } from "@upstash/redis";
import { checkLimit, checkMs, type Queue, type QueueJob } from "./types";

// Per queue: `ready` (ZSET scored by job id, so claims go oldest first like the Postgres driver),
// `delayed` (ZSET scored by available-at ms), `leased` (ZSET scored by lease expiry ms) and hashes of
// payload, attempts and current lease token by job id. The hash tag keeps one queue's keys in one slot.
function keys(queue: string) {
  const k = (part: string) => `queue:{${queue}}:${part}`;
  return {
    seq: k("seq"),
    all: [k("ready"), k("delayed"), k("leased"), k("payload"), k("attempts"), k("token")],
  };
}

// Redis server time keeps every client on one clock, as now() does for Postgres.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const ENQUEUE = `${NOW}
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[5], id, ARGV[1])
local delay = tonumber(ARGV[2])
if delay > 0 then
  redis.call('ZADD', KEYS[3], now + delay, id)
else
  redis.call('ZADD', KEYS[2], id, id)
end
return tostring(id)`;

// Due delayed jobs and expired leases return to `ready` first; at most 1000 per call keeps one script short.
const CLAIM = `${NOW}
local function requeue(key, max)
  local ids = redis.call('ZRANGEBYSCORE', key, '-inf', max, 'LIMIT', 0, 1000)
  for _, id in ipairs(ids) do
    redis.call('ZREM', key, id)
    redis.call('ZADD', KEYS[1], id, id)
  end
end
requeue(KEYS[2], now)
requeue(KEYS[3], '(' .. now)
local leaseUntil = now + tonumber(ARGV[1])
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
local out = {}
for _, id in ipairs(ids) do
  local token = ARGV[3] .. ':' .. id
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[3], leaseUntil, id)
  redis.call('HSET', KEYS[6], id, token)
  local attempts = redis.call('HINCRBY', KEYS[5], id, 1)
  local payload = redis.call('HGET', KEYS[4], id)
  table.insert(out, id)
  table.insert(out, attempts)
  table.insert(out, token)
  table.insert(out, payload)
end
return out`;

const ACK = `if redis.call('HGET', KEYS[6], ARGV[1]) ~= ARGV[2] then return 0 end
for i = 1, 3 do redis.call('ZREM', KEYS[i], ARGV[1]) end
for i = 4, 6 do redis.call('HDEL', KEYS[i], ARGV[1]) end
return 1`;

// Only a job still in `leased` under this token: one whose lapsed lease a claim already moved back to
// `ready` keeps its old token there until it is claimed again, and must not be extended.
const EXTEND = `${NOW}
if redis.call('HGET', KEYS[6], ARGV[1]) ~= ARGV[2] then return 0 end
if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[1])
return 1`;

const RELEASE = `${NOW}
if redis.call('HGET', KEYS[6], ARGV[1]) ~= ARGV[2] then return 0 end
for i = 1, 3 do redis.call('ZREM', KEYS[i], ARGV[1]) end
redis.call('HDEL', KEYS[6], ARGV[1])
local delay = tonumber(ARGV[3])
if delay > 0 then
  redis.call('ZADD', KEYS[2], now + delay, ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1])
end
return 1`;

const SIZE = `${NOW}
local leased = redis.call('ZCOUNT', KEYS[3], now, '+inf')
local ready = redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3]) - leased
return {ready, leased}`;

// The client JSON-parses results by default (automaticDeserialization): "12" arrives as 12 and a payload
// as an object, so every field is normalised whatever the client's setting.
const asPayload = (value: unknown) =>
  (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>;

export function createUpstashQueue(redis: Redis): Queue {
  return {
    driver: "upstash",

    async enqueue(queue, payload, opts) {
      const delayMs = checkMs("delayMs", opts?.delayMs);
      const k = keys(queue);
      const id = await redis.eval<[string, number], unknown>(ENQUEUE, [k.seq, ...k.all], [JSON.stringify(payload), delayMs]);
      return String(id);
    },

    async claim(queue, opts) {
      const leaseMs = checkMs("leaseMs", opts.leaseMs, 1);
      const limit = checkLimit(opts.limit);
      const flat = await redis.eval<[number, number, string], unknown[]>(CLAIM, keys(queue).all, [
        leaseMs,
        limit,
        crypto.randomUUID(),
      ]);
      const jobs: QueueJob[] = [];
      for (let i = 0; i + 3 < flat.length; i += 4) {
        jobs.push({
          id: String(flat[i]),
          attempts: Number(flat[i + 1]),
          leaseToken: String(flat[i + 2]),
          payload: asPayload(flat[i + 3]),
        });
      }
      return jobs;
    },

    async ack(queue, job) {
      const done = await redis.eval<[string, string], number>(ACK, keys(queue).all, [job.id, job.leaseToken]);
      return Number(done) === 1;
    },

    async extend(queue, job, leaseMs) {
      const ms = checkMs("leaseMs", leaseMs, 1);
      const done = await redis.eval<[string, string, number], number>(EXTEND, keys(queue).all, [job.id, job.leaseToken, ms]);
      return Number(done) === 1;
    },

    async release(queue, job, opts) {
      const delayMs = checkMs("delayMs", opts?.delayMs);
      const done = await redis.eval<[string, string, number], number>(RELEASE, keys(queue).all, [
        job.id,
        job.leaseToken,
        delayMs,
      ]);
      return Number(done) === 1;
    },

    async size(queue) {
      const [ready, leased] = await redis.eval<[], [number, number]>(SIZE, keys(queue).all, []);
      return { ready: Number(ready), leased: Number(leased) };
    },
  };
}
