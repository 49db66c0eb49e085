import type { Exchange } from "ccxt";
import type { CcxtExchangeId } from "../ccxt-loader";
import { requestWeight } from "./weights";

/** What one venue answered to one HTTP request. */
export interface VenueAnswer {
  status: number;
  headers: Record<string, string>;
  /** The request failed (any status): the error ccxt raised for it. */
  error?: unknown;
}

/** The shared budget as one ccxt instance sees it. */
export interface RequestMeter {
  /** Before each HTTP request: spends its weight, waiting briefly, or throws ExchangeError("rate_limited"). */
  spend(weight: number): Promise<void>;
  /** After each answer: corrects the count from the venue's headers; honours 429, 418 and a WAF 403. */
  observe(answer: VenueAnswer): Promise<void>;
  /** After each HTTP request, answered or not (a timeout, a refused connection): its latency and error. */
  timed?(ms: number, error?: unknown): void;
}

type Hooks = {
  enableRateLimit: boolean;
  throttle(cost?: number): Promise<unknown>;
  calculateRateLimiterCost(api: unknown, method: string, path: string, params: unknown, config?: unknown): number;
  handleRestResponse(response: { status: number }, ...rest: unknown[]): Promise<unknown>;
  getResponseHeaders(response: unknown): Record<string, string>;
  fetch(...args: unknown[]): Promise<unknown>;
};

/**
 * Puts every HTTP request of a ccxt instance through `meter`: ccxt's own limiter (a local queue that
 * spaces calls, ~200 ms each on a fresh instance) is replaced by the shared budget, which ccxt's fetch2
 * consults before each request with the endpoint's cost, so look-ups made of several requests pay each.
 */
export function meterCcxt(ex: Exchange, venue: CcxtExchangeId, meter: RequestMeter): void {
  const hooks = ex as unknown as Hooks;
  const cost = hooks.calculateRateLimiterCost.bind(ex);
  const handle = hooks.handleRestResponse.bind(ex);
  hooks.enableRateLimit = true;
  hooks.calculateRateLimiterCost = (api, method, path, params, config) => requestWeight(venue, api, Number(cost(api, method, path, params, config)), path, params);
  hooks.throttle = (weight) => meter.spend(weight ?? 1);
  if (meter.timed) {
    const fetch = hooks.fetch.bind(ex);
    const timed = meter.timed.bind(meter);
    hooks.fetch = async (...args) => {
      const started = performance.now();
      try {
        const value = await fetch(...args);
        timed(performance.now() - started);
        return value;
      } catch (error) {
        timed(performance.now() - started, error);
        throw error;
      }
    };
  }
  hooks.handleRestResponse = (response, ...rest) => {
    const answer = { status: response.status, headers: hooks.getResponseHeaders(response) };
    return Promise.resolve(handle(response, ...rest)).then(
      async (value) => {
        await meter.observe(answer);
        return value;
      },
      async (error: unknown) => {
        await meter.observe({ ...answer, error });
        throw error;
      },
    );
  };
}
