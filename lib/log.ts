/**
 * What may be logged about an unexpected error: its kind and, for a failed database query, the
 * driver's reason. Never the message of a query error: drizzle puts the query's parameters in it, and
 * those can be secrets (a signal's signing key, a password hash).
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  if (error.name === "DrizzleQueryError" || error.message.startsWith("Failed query")) {
    const cause = error.cause instanceof Error ? error.cause.message : "unknown cause";
    return `database query failed: ${cause}`;
  }
  return `${error.name}: ${error.message}`;
}
