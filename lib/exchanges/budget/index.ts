import "server-only";
import { recordExchangeError } from "@/db/queries/operations";
import { recordVenueBan } from "@/db/queries/venue-bans";
import { metrics } from "@/lib/metrics/registry";
import { env } from "@/lib/env";
import { getRateLimiter } from "@/lib/ratelimit";
import { mapCcxtError } from "../ccxt-errors";
import type { CcxtExchangeId } from "../ccxt-loader";
import { ExchangeError } from "../types";
import type { RequestMeter, VenueAnswer } from "./ccxt-meter";
import { retryAfterMs, usedWeight, venueBudgets } from "./weights";
import { log } from "@/lib/logger";

export { meterCcxt, type RequestMeter } from "./ccxt-meter";
export { venueBudgets } from "./weights";

// A call waits this long at most for the budget (once); past it the engine's own retry takes over.
const MAX_WAIT_MS = 10_000;
const RATE_LIMITED_MS = 60_000;

// What this process last saw spent per budget key (after its own hit, or the venue's header).
const knownUsed = new Map<string, number>();

/** The limiter key of one venue's budget from this server's outbound address. */
export function budgetKey(venue: CcxtExchangeId, egress = env().EXCHANGE_EGRESS_ID): string {
  return `exchange:${venue}:${egress}`;
}

/** A ban: 418 (Binance's IP ban), or a 403 the venue's own error table did not explain (a WAF's refusal). */
function isBan(answer: VenueAnswer): boolean {
  if (answer.status === 418) return true;
  if (answer.status !== 403) return false;
  return !["auth", "permission", "invalid_order", "insufficient_funds", "order_not_found"].includes(mapCcxtError(answer.error).code);
}

/** The shared request-weight budget of one venue for this server's outbound address. */
export function venueMeter(venue: CcxtExchangeId): RequestMeter {
  const egress = env().EXCHANGE_EGRESS_ID;
  const key = budgetKey(venue, egress);
  return {
    async spend(weight) {
      const budget = venueBudgets[venue];
      const cost = Math.min(Math.max(0, Math.ceil(weight)), budget.limit);
      for (let attempt = 0; ; attempt++) {
        // A budget that cannot be read sends nothing: "rate limited" says the request never left.
        const { allowed, remaining, retryAfterMs: wait } = await getRateLimiter()
          .then((limiter) => limiter.hit(key, { limit: budget.limit, windowMs: budget.windowMs, cost }))
          .catch(() => {
            throw new ExchangeError("rate_limited", `the shared ${venue} request budget could not be read`, 1);
          });
        if (allowed) {
          knownUsed.set(key, budget.limit - remaining);
          metrics().budgetUsed.set({ venue }, (budget.limit - remaining) / budget.limit);
          return;
        }
        if (attempt > 0 || wait > MAX_WAIT_MS) {
          metrics().budgetExhausted.inc({ venue });
          throw new ExchangeError("rate_limited", `shared ${venue} request budget exhausted`, Math.max(1, Math.ceil(wait / 1000)));
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },

    async observe(answer) {
      const budget = venueBudgets[venue];
      try {
        const limiter = await getRateLimiter();
        const used = usedWeight(venue, answer.headers);
        // Only weight we did not count ourselves needs a write.
        if (used !== null && used > (knownUsed.get(key) ?? 0)) {
          await limiter.raise(key, { windowMs: budget.windowMs, used });
          knownUsed.set(key, used);
          metrics().budgetUsed.set({ venue }, Math.min(1, used / budget.limit));
        }
        if (isBan(answer)) {
          const ms = retryAfterMs(answer.headers) ?? budget.banMs;
          await limiter.block(key, ms);
          metrics().bansSeen.inc({ venue });
          await recordVenueBan({ venue, egress, status: answer.status, until: new Date(Date.now() + ms) });
        } else if (answer.status === 429 || (answer.error !== undefined && mapCcxtError(answer.error).code === "rate_limited")) {
          await limiter.block(key, retryAfterMs(answer.headers) ?? RATE_LIMITED_MS);
        }
      } catch (error) {
        // The answer itself stands; a store that cannot be written now must not turn it into a failure.
        log({ venue }).warn({ err: error }, "recording the rate-limit headers failed");
      }
    },

    timed(ms, error) {
      metrics().exchangeSeconds.observe({ venue }, ms / 1000);
      if (error === undefined) return;
      const code = mapCcxtError(error).code;
      metrics().exchangeErrors.inc({ venue, code });
      log({ venue }).warn({ errorCode: code, ms: Math.round(ms), err: error }, "exchange request failed");
      // Shared by every server for the admin system page; an error in the count must not add to the call's.
      void recordExchangeError(venue).catch((failure: unknown) => log({ venue }).warn({ err: failure }, "exchange error not counted"));
    },
  };
}
