import { encode, getToken, type JWT } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, cspNonce } from "@/lib/csp";
import { sessionRevoked } from "@/lib/auth/revocations";
import { homeFor, ROLES, TWO_FACTOR_SETUP_PATH } from "@/lib/auth/roles";
import { ACTIVITY_REFRESH_SECONDS, longestSessionSeconds, nowSeconds, sessionLapsed } from "@/lib/auth/session-limits";

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

/**
 * Writes this request's time into the token as its last activity (at most once a minute). Only on page
 * and RSC GETs: a server action (a POST) may re-issue the token itself, and a prefetch is not activity.
 */
async function touched(req: NextRequest, token: JWT, response: NextResponse) {
  const now = nowSeconds();
  if (req.method !== "GET" || req.headers.has("next-router-prefetch") || req.headers.get("purpose") === "prefetch") return response;
  if (token.rm || now - (token.la ?? 0) < ACTIVITY_REFRESH_SECONDS) return response;
  const secure = req.nextUrl.protocol === "https:";
  const name = secure ? "__Secure-authjs.session-token" : "authjs.session-token";
  const maxAge = longestSessionSeconds();
  const value = await encode({ token: { ...token, la: now }, secret: process.env.AUTH_SECRET!, salt: name, maxAge });
  response.cookies.set(name, value, { httpOnly: true, sameSite: "lax", path: "/", secure, maxAge });
  return response;
}

async function gate(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const read = await readToken(req);
  // An idle or expired session counts as none on the sign-in pages; elsewhere it is ended below.
  const lapsed = read?.id ? sessionLapsed(read) : null;
  const token = lapsed && AUTH_PAGES.includes(pathname) ? null : read;
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
  if (gated && lapsed) return to(`/api/session/end?reason=${lapsed}`);
  if (gated && (await sessionRevoked(token ?? {}))) return to("/api/session/end?reason=revoked");
  if (gated && token?.ev === false) return to("/verify-email");
  if (gated && token?.dt === false) return to("/confirm-device");

  const r = typeof role === "number" ? role : ROLES.disabled;
  if (AUTH_PAGES.includes(pathname) && r >= ROLES.user) return to(homeFor(r));
  // A waiting user keeps the address they wanted, for when the approval arrives.
  const away = r === ROLES.user ? `/pending?next=${encodeURIComponent(pathname + search)}` : homeFor(r);
  if (wantsAdmin && r < ROLES.admin) return r === ROLES.trader ? to(homeFor(r)) : to(away);
  if (wantsDashboard && r < ROLES.trader) return to(away);
  // An admin the platform requires 2FA of reaches only the 2FA set-up until enrolled.
  if ((wantsDashboard || wantsAdmin) && token?.tfs === true && pathname !== TWO_FACTOR_SETUP_PATH) return to(TWO_FACTOR_SETUP_PATH);
  return gated && token ? touched(req, token, NextResponse.next()) : NextResponse.next();
}

/** The paths the session gate above guards; every other page only gets its Content-Security-Policy. */
const GATED = /^\/(dashboard|admin)(\/|$)|^\/(pending|login|register)$/;

/**
 * Every page gets a Content-Security-Policy with a fresh nonce. Next.js reads the nonce from the request's
 * own CSP header (forwarded with NextResponse.next) and puts it on its scripts, so pages must render per
 * request: the root layout reads the locale cookie, which makes every page dynamic.
 */
export default async function middleware(req: NextRequest) {
  const policy = contentSecurityPolicy(cspNonce());
  const response = GATED.test(req.nextUrl.pathname) ? await gate(req) : NextResponse.next();
  response.headers.set("Content-Security-Policy", policy);
  if (response.headers.get("x-middleware-next") === "1") {
    const forwarded = new Headers(req.headers);
    forwarded.set("Content-Security-Policy", policy);
    // The request-header overrides NextResponse.next({ request }) makes, added to the gate's own response.
    NextResponse.next({ request: { headers: forwarded } }).headers.forEach((value, key) => {
      if (key === "x-middleware-override-headers" || key.startsWith("x-middleware-request-")) response.headers.set(key, value);
    });
  }
  return response;
}

export const config = {
  // Pages only: not API routes, static files or images.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|icon.svg|.*\\.(?:png|jpg|jpeg|svg|webp|ico|txt|xml)$).*)"],
};
