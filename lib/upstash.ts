import { Redis } from "@upstash/redis";

/** Upstash is reached over HTTPS: a command that has not answered in this long fails instead of hanging. */
export const UPSTASH_TIMEOUT_MS = 5_000;

/** The Upstash REST credentials when both are set; otherwise the database is used. */
export function upstashRestConfig(): { url: string; token: string } | undefined {
  const url = process.env.UPSTASH_REDIS_REST_URL?.trim();
  const token = process.env.UPSTASH_REDIS_REST_TOKEN?.trim();
  return url && token ? { url, token } : undefined;
}

/**
 * A client for the configured Upstash database, or undefined without one. Each request gets its own
 * deadline (a function, so a timed-out command throws; a fixed signal would be read as an empty answer).
 */
export function upstashRedis(opts: { automaticDeserialization?: boolean; timeoutMs?: number } = {}): Redis | undefined {
  const config = upstashRestConfig();
  if (!config) return undefined;
  const timeoutMs = opts.timeoutMs ?? UPSTASH_TIMEOUT_MS;
  return new Redis({
    ...config,
    enableTelemetry: false,
    automaticDeserialization: opts.automaticDeserialization,
    signal: () => AbortSignal.timeout(timeoutMs),
  });
}
