import type { NextRequest } from "next/server";
import { signOut } from "@/lib/auth/auth";
import { relativeRedirect } from "@/lib/request";

const REASONS = new Set(["disabled", "idle", "expired"]);

/**
 * Ends a session the server no longer honours (disabled account, revoked, idle or expired session): the
 * middleware and the pages send the browser here. Signing out is otherwise a POST (the sign-out
 * buttons' server action), so a GET coming from another site (a link, an image: Sec-Fetch-Site
 * cross-site or same-site) signs nobody out; it gets a page whose button signs out with a POST.
 */
export async function GET(request: NextRequest) {
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return relativeRedirect("/session-ended", 303);
  const asked = request.nextUrl.searchParams.get("reason") ?? "";
  const reason = REASONS.has(asked) ? asked : "ended";
  await signOut({ redirectTo: `/login?error=${reason}` });
}
