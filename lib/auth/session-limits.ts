// Edge-safe (the middleware and auth.config use it): process.env only, no Node APIs.

/** How long a password or code proof counts as recent for step-up checks. */
export const RECENT_AUTH_SECONDS = 10 * 60;
/** Last activity is written back into the token at most this often. */
export const ACTIVITY_REFRESH_SECONDS = 60;

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The session limits from SESSION_IDLE_MINUTES, SESSION_MAX_HOURS and SESSION_REMEMBER_DAYS, in seconds. */
export function sessionLimits() {
  return {
    idle: Math.round(positive("SESSION_IDLE_MINUTES", 30) * 60),
    max: Math.round(positive("SESSION_MAX_HOURS", 12) * 3600),
    remember: Math.round(positive("SESSION_REMEMBER_DAYS", 30) * 86400),
  };
}

/** The longest any session can live: the cookie's lifetime. */
export function longestSessionSeconds() {
  const { max, remember } = sessionLimits();
  return Math.max(max, remember);
}

export type SessionClock = { st?: number; la?: number; rm?: boolean };

/**
 * Whether a session is over by time: "idle" after SESSION_IDLE_MINUTES without a request (unless the
 * user ticked "keep me signed in"), "expired" past its absolute limit (SESSION_MAX_HOURS, or
 * SESSION_REMEMBER_DAYS when kept). A token without a start time is from before these limits: expired.
 */
export function sessionLapsed(token: SessionClock, now = Math.floor(Date.now() / 1000)): "idle" | "expired" | null {
  const limits = sessionLimits();
  if (typeof token.st !== "number") return "expired";
  if (now - token.st > (token.rm ? limits.remember : limits.max)) return "expired";
  if (!token.rm && now - (token.la ?? token.st) > limits.idle) return "idle";
  return null;
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}
