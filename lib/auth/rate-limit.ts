import "server-only";
import { normalizeEmail } from "@/db/queries/users";
import { env } from "@/lib/env";
import { getRateLimiter } from "@/lib/ratelimit";
import { addressBucket } from "@/lib/request";

export type AuthEndpoint = "login" | "register" | "reset" | "verify";

function answer(result: { allowed: boolean; retryAfterMs: number }) {
  return { allowed: result.allowed, retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) };
}

/**
 * Per-address limits on the endpoints attackers hammer; shared across instances (Redis or the
 * database). An unknown address (no trusted proxy) counts in one shared bucket with a larger limit, and
 * an IPv6 client by its /64 (see addressBucket).
 */
export async function checkAuthRateLimit(endpoint: AuthEndpoint, ip: string | null) {
  const { key, limitFactor } = addressBucket(ip);
  const limiter = await getRateLimiter();
  return answer(await limiter.hit(`auth:${endpoint}:${key}`, { limit: env().AUTH_RATE_LIMIT_PER_MINUTE * limitFactor, windowMs: 60_000 }));
}

/**
 * Per-account limit on sign-in attempts, whatever address they come from (a botnet rotating IPs). Keyed
 * by the typed email, known or not, so the answer tells nothing about which accounts exist.
 */
export async function checkAccountRateLimit(email: string) {
  const limiter = await getRateLimiter();
  const key = `auth:login-account:${normalizeEmail(email)}`;
  return answer(await limiter.hit(key, { limit: env().AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 }));
}

/** Codes typed on the 2FA settings page (turn off, new recovery codes): a few per user per 15 minutes. */
export async function checkTwoFactorManageLimit(userId: string) {
  const limiter = await getRateLimiter();
  return answer(await limiter.hit(`auth:2fa-manage:${userId}`, { limit: 5, windowMs: 15 * 60_000 }));
}

export function tooManyRequests(retryAfterSeconds: number) {
  return Response.json(
    { error: { code: "rate_limited", message: `Too many attempts from this address. Try again in ${retryAfterSeconds} seconds.` } },
    { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } },
  );
}
