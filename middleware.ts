import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig } from "@/lib/auth/auth.config";
import { homeFor, ROLES } from "@/lib/auth/roles";

// Edge runtime. A gate only: pages, actions and route handlers check again on the server.
const { auth } = NextAuth(authConfig);

const AUTH_PAGES = ["/login", "/register"];

export default auth((req) => {
  const { pathname, search } = req.nextUrl;
  const role = req.auth?.user?.role;
  const signedIn = Boolean(req.auth?.user?.id);
  const to = (path: string) => NextResponse.redirect(new URL(path, req.nextUrl));

  const wantsDashboard = pathname === "/dashboard" || pathname.startsWith("/dashboard/");
  const wantsAdmin = pathname === "/admin" || pathname.startsWith("/admin/");

  if (!signedIn) {
    if (wantsDashboard || wantsAdmin || pathname === "/pending") {
      return to(`/login?callbackUrl=${encodeURIComponent(pathname + search)}`);
    }
    return NextResponse.next();
  }

  const r = typeof role === "number" ? role : ROLES.disabled;
  if (AUTH_PAGES.includes(pathname) && r >= ROLES.user) return to(homeFor(r));
  // A waiting user keeps the address they wanted, for when the approval arrives.
  const away = r === ROLES.user ? `/pending?next=${encodeURIComponent(pathname + search)}` : homeFor(r);
  if (wantsAdmin && r < ROLES.admin) return r === ROLES.trader ? to(homeFor(r)) : to(away);
  if (wantsDashboard && r < ROLES.trader) return to(away);
  return NextResponse.next();
});

export const config = {
  matcher: ["/dashboard/:path*", "/admin/:path*", "/pending", "/login", "/register"],
};
