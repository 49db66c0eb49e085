import type { NextRequest } from "next/server";
import { signOut } from "@/lib/auth/auth";
import { relativeRedirect } from "@/lib/request";

const REASONS = new Set(["disabled", "idle", "expired"]);

/**
 * Ends a session the server no longer honours (disabled account, revoked, idle or expired session): the
 * middleware and the pages send the browser here. Signing out is otherwise a POST (the sign-out
 * buttons' server action), so a GET signs out only when Sec-Fetch-Site is same-origin or none; any other
 * (another site's link or image, or no header at all) gets a page whose button signs out with a POST.
 */
export async function GET(request: NextRequest) {
  // Only a browser that says the app itself (or the person, typing the address) sent it: a request
  // without the header (an old browser, any other client) proves nothing either.
  const site = request.headers.get("sec-fetch-site");
  if (site !== "same-origin" && site !== "none") return relativeRedirect("/session-ended", 303);
  const asked = request.nextUrl.searchParams.get("reason") ?? "";
  const reason = REASONS.has(asked) ? asked : "ended";
  await signOut({ redirectTo: `/login?error=${reason}` });
}
