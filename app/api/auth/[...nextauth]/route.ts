import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { checkAuthRateLimit, tooManyRequests } from "@/lib/auth/rate-limit";
import { clientIp } from "@/lib/request";

export const { GET } = handlers;

/** Password sign-ins posted straight to Auth.js get the same per-IP limit as the login form. */
export async function POST(request: NextRequest) {
  if (request.nextUrl.pathname.endsWith("/callback/credentials")) {
    const { allowed, retryAfterSeconds } = await checkAuthRateLimit("login", clientIp(request.headers));
    if (!allowed) return tooManyRequests(retryAfterSeconds);
  }
  return handlers.POST(request);
}
