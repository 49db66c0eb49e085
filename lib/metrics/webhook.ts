/** A webhook answer's outcome label: a handful of values, never the signal's name (unbounded). */
export function webhookOutcome(status: number, duplicate?: boolean): string {
  if (status === 202 || status === 200) return duplicate ? "duplicate" : "accepted";
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "unknown_signal";
  if (status === 413) return "too_large";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "error";
  return "rejected";
}
