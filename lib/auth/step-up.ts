import "server-only";
import { AppError } from "@/lib/errors";
import { auth } from "./auth";
import { tokenWrittenThisRequest } from "./fresh-token";
import { nowSeconds, RECENT_AUTH_SECONDS } from "./session-limits";

/** When this request's session last proved a password or a code (unix seconds), or null. */
export async function lastAuthenticatedAt(userId: string): Promise<number | null> {
  // A re-authentication earlier in this same request re-issued the token.
  const written = await tokenWrittenThisRequest();
  if (written?.id === userId && typeof written.at === "number") return written.at;
  const session = await auth();
  return session?.user?.id === userId && typeof session.authTime === "number" ? session.authTime : null;
}

/**
 * Step-up for the actions that move money or control: the session must have proved the password (or
 * a 2FA code) within the last 10 minutes, at sign-in or in the re-enter-password dialog. Throws
 * `reauth_required`, which the action helper turns into the dialog's cue.
 */
export async function requireRecentAuth(userId: string) {
  const at = await lastAuthenticatedAt(userId);
  if (at === null || nowSeconds() - at > RECENT_AUTH_SECONDS) {
    throw new AppError("reauth_required", "Confirm it is you: enter your password again.");
  }
}
