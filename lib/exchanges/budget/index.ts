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

/**
 * Weight this process took from the shared budget ahead of need, per budget key: a busy process spends
 * one shared-store write per block of weight, not one per request (at 1,000 orders a signal, the hot
 * counter row was the drains' queue). Taken ahead means counted ahead: the shared budget never allows
 * more than before, a block left unused is simply counted as spent, and it lapses after `lifeMs`. A 429
 * or a ban answered to this process drops its block at once; another process's block (at most
 * `reserveTiming.share` of the budget) lapses within `lifeMs`. Budgets too small to share this way (a
 * block under 2) take every request from the store, as does a request when no block can be had (the
 * budget near its limit: then it waits for the window as before).
 */
export const reserveTiming = { share: 1 / 200, lifeMs: 1_000 };
const reserves = new Map<string, { units: number; until: number }>();
const refills = new Map<string, Promise<boolean>>();

/** Drops this process's blocks (tests that reset the shared budget). */
export function dropBudgetReserves() {
  reserves.clear();
}

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
      const block = Math.floor(budget.limit * reserveTiming.share);
      if (block >= 2 && cost <= block) {
        // From this process's block; one refill at a time per key (callers waiting on it look again),
        // a few rounds at most, then (the budget near its limit, or the store down) request by request.
        for (let round = 0; round < 8; round++) {
          const reserve = reserves.get(key);
          if (reserve && reserve.units >= cost && reserve.until > Date.now()) {
            reserve.units -= cost;
            return;
          }
          let flight = refills.get(key);
          if (!flight) {
            flight = takeBlock(block).catch(() => false);
            refills.set(key, flight);
            void flight.finally(() => refills.delete(key));
          }
          if (!(await flight)) break;
        }
      }
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

      /** Takes a block of weight from the shared budget for this process; false when it does not fit. */
      async function takeBlock(units: number): Promise<boolean> {
        const limiter = await getRateLimiter();
        const { allowed, remaining } = await limiter.hit(key, { limit: budget.limit, windowMs: budget.windowMs, cost: units });
        if (!allowed) return false;
        // A block left from before is replaced, not added to: what this process holds unsent never
        // exceeds one block, and it never outlives `lifeMs` from when it was counted.
        reserves.set(key, { units, until: Date.now() + Math.min(reserveTiming.lifeMs, budget.windowMs / 10) });
        knownUsed.set(key, budget.limit - remaining);
        metrics().budgetUsed.set({ venue }, (budget.limit - remaining) / budget.limit);
        return true;
      }
    },

    async observe(answer) {
      const budget = venueBudgets[venue];
      // Before anything that can wait or fail: no request of this process goes out on its block after a
      // 429 or a ban.
      const limited = answer.status === 429 || (answer.error !== undefined && mapCcxtError(answer.error).code === "rate_limited");
      if (limited || isBan(answer)) reserves.delete(key);
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
        } else if (limited) {
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
