import "server-only";
import { env } from "@/lib/env";
import { getRateLimiter } from "@/lib/ratelimit";

export type AuthEndpoint = "login" | "register" | "reset" | "verify";

/** Per-IP limits on the endpoints attackers hammer; shared across instances (Redis or the database). */
export async function checkAuthRateLimit(endpoint: AuthEndpoint, ip: string | null) {
  const limiter = await getRateLimiter();
  const result = await limiter.hit(`auth:${endpoint}:${ip ?? "unknown"}`, { limit: env().AUTH_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 });
  return { allowed: result.allowed, retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) };
}

export function tooManyRequests(retryAfterSeconds: number) {
  return Response.json(
    { error: { code: "rate_limited", message: `Too many attempts from this address. Try again in ${retryAfterSeconds} seconds.` } },
    { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } },
  );
}
