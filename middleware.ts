import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { sessionRevoked } from "@/lib/auth/revocations";
import { homeFor, ROLES } from "@/lib/auth/roles";

// Edge runtime. A gate only: pages, actions and route handlers check again on the server.

const AUTH_PAGES = ["/login", "/register"];

/**
 * Reads the session token without writing it back. Auth.js's middleware wrapper re-issues the cookie
 * on every request; a prefetch answered after a sign-out (or after a server action re-issued the token)
 * would then put the old token back in the browser.
 */
async function readToken(req: NextRequest) {
  const secret = process.env.AUTH_SECRET;
  if (!secret) return null;
  return getToken({ req, secret, secureCookie: req.nextUrl.protocol === "https:" });
}

export default async function middleware(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const token = await readToken(req);
  const role = token?.role;
  const signedIn = Boolean(token?.id);
  const to = (path: string) => NextResponse.redirect(new URL(path, req.nextUrl));

  const wantsDashboard = pathname === "/dashboard" || pathname.startsWith("/dashboard/");
  const wantsAdmin = pathname === "/admin" || pathname.startsWith("/admin/");

  if (!signedIn) {
    if (wantsDashboard || wantsAdmin || pathname === "/pending") {
      return to(`/login?callbackUrl=${encodeURIComponent(pathname + search)}`);
    }
    return NextResponse.next();
  }

  const gated = wantsDashboard || wantsAdmin || pathname === "/pending";
  // With Redis configured, a revoked device or an ended session version is refused here, no database call.
  if (gated && (await sessionRevoked(token ?? {}))) return to("/api/session/end?reason=revoked");
  if (gated && token?.ev === false) return to("/verify-email");
  if (gated && token?.dt === false) return to("/confirm-device");

  const r = typeof role === "number" ? role : ROLES.disabled;
  if (AUTH_PAGES.includes(pathname) && r >= ROLES.user) return to(homeFor(r));
  // A waiting user keeps the address they wanted, for when the approval arrives.
  const away = r === ROLES.user ? `/pending?next=${encodeURIComponent(pathname + search)}` : homeFor(r);
  if (wantsAdmin && r < ROLES.admin) return r === ROLES.trader ? to(homeFor(r)) : to(away);
  if (wantsDashboard && r < ROLES.trader) return to(away);
  return NextResponse.next();
}

export const config = {
  matcher: ["/dashboard/:path*", "/admin/:path*", "/pending", "/login", "/register"],
};
