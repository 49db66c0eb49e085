import type { NextRequest } from "next/server";
import { auth, handlers } from "@/lib/auth/auth";
import { isSessionEnded } from "@/lib/auth/ended-sessions";
import { checkAuthRateLimit, tooManyRequests } from "@/lib/auth/rate-limit";
import { clientIp } from "@/lib/request";

/** A signed-out session is over here too: Auth.js's own session endpoint answers nobody for it. */
export async function GET(request: NextRequest) {
  if (request.nextUrl.pathname.endsWith("/session")) {
    const session = await auth();
    if (session?.sessionId && (await isSessionEnded(session.sessionId))) return Response.json(null);
  }
  return handlers.GET(request);
}

/** Password sign-ins posted straight to Auth.js get the same per-IP limit as the login form. */
export async function POST(request: NextRequest) {
  if (request.nextUrl.pathname.endsWith("/callback/credentials")) {
    const { allowed, retryAfterSeconds } = await checkAuthRateLimit("login", clientIp(request.headers));
    if (!allowed) return tooManyRequests(retryAfterSeconds);
  }
  return handlers.POST(request);
}
