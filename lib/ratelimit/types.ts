export interface HitOptions {
  limit: number;
  windowMs: number;
  /** Units this call spends (default 1), e.g. an exchange endpoint's request weight. */
  cost?: number;
}

export interface HitResult {
  allowed: boolean;
  /** Units left in the current window (0 while blocked). */
  remaining: number;
  /** 0 when allowed; otherwise how long until the window resets or the block ends. */
  retryAfterMs: number;
}

/** A fixed window per key: the window starts with its first hit and lasts `windowMs`. */
export interface RateLimiter {
  readonly driver: "postgres" | "upstash";
  /** Spends `cost` if it fits in the window; a refused hit spends nothing. */
  hit(key: string, opts: HitOptions): Promise<HitResult>;
  /** Refuses every hit on `key` for `ms` (an exchange's Retry-After or ban); never shortens a longer block. */
  block(key: string, ms: number): Promise<void>;
  /**
   * Raises what the current window has spent to at least `used` (what the venue says was spent, which
   * counts traffic we did not see); never lowers it. Starts a window when none is open.
   */
  raise(key: string, opts: { windowMs: number; used: number }): Promise<void>;
}

export function checkHit(opts: HitOptions): { limit: number; windowMs: number; cost: number } {
  const { limit, windowMs } = opts;
  const cost = opts.cost ?? 1;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  if (!Number.isFinite(windowMs) || windowMs < 1) throw new RangeError(`windowMs must be >= 1, got ${windowMs}`);
  // A cost above the limit could never be allowed: callers would wait for ever.
  if (!Number.isInteger(cost) || cost < 0 || cost > limit) {
    throw new RangeError(`cost must be an integer from 0 to limit (${limit}), got ${cost}`);
  }
  return { limit, windowMs: Math.ceil(windowMs), cost };
}

export function checkRaise(opts: { windowMs: number; used: number }): { windowMs: number; used: number } {
  if (!Number.isFinite(opts.windowMs) || opts.windowMs < 1) throw new RangeError(`windowMs must be >= 1, got ${opts.windowMs}`);
  if (!Number.isInteger(opts.used) || opts.used < 0) throw new RangeError(`used must be a non-negative integer, got ${opts.used}`);
  return { windowMs: Math.ceil(opts.windowMs), used: opts.used };
}
