import "server-only";
import { ExchangeError, type ExchangeClient } from "@/lib/exchanges";
import { getRateLimiter } from "@/lib/ratelimit";

// Request budgets per exchange per outbound IP, kept below the published limits and shared by every
// user's traffic (Binance: 6,000 weight/min and most calls weigh more than 1; Bybit: 600 requests/5 s).
const BUDGETS: Record<string, { limit: number; windowMs: number }> = {
  binance: { limit: 1_200, windowMs: 60_000 },
  bybit: { limit: 500, windowMs: 5_000 },
  okx: { limit: 40, windowMs: 2_000 },
  bitget: { limit: 15, windowMs: 1_000 },
};

const MAX_WAIT_MS = 10_000;

/** Runs one exchange call inside the shared per-exchange budget, honouring an exchange's Retry-After. */
export async function throttled<T>(client: ExchangeClient, call: () => Promise<T>): Promise<T> {
  const budget = BUDGETS[client.exchange];
  if (!budget) return call();
  const limiter = await getRateLimiter();
  const key = `exchange:${client.exchange}`;
  for (let attempt = 0; ; attempt++) {
    const { allowed, retryAfterMs } = await limiter.hit(key, budget);
    if (allowed) break;
    if (attempt > 0 || retryAfterMs > MAX_WAIT_MS) {
      throw new ExchangeError("rate_limited", "shared exchange budget exhausted", Math.ceil(retryAfterMs / 1000));
    }
    await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
  }
  try {
    return await call();
  } catch (error) {
    if (error instanceof ExchangeError && error.code === "rate_limited") {
      await limiter.block(key, (error.retryAfterSeconds ?? 60) * 1000);
    }
    throw error;
  }
}
