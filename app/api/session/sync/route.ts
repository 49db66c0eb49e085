import { NextResponse, type NextRequest } from "next/server";
import { updateSession } from "@/lib/auth/auth";
import { getSessionState } from "@/lib/auth/session";
import { homeFor, landingFor } from "@/lib/auth/roles";
import { safeRedirectPath } from "@/lib/request";

/** Rewrites the session token from the database after an admin changed the user's role. */
export async function GET(request: NextRequest) {
  const state = await getSessionState();
  if (state.status === "anonymous") return NextResponse.redirect(new URL("/login", request.url));
  if (state.status === "ended") {
    return NextResponse.redirect(new URL(`/api/session/end?reason=${state.reason}`, request.url));
  }
  await updateSession({});
  const wanted = safeRedirectPath(request.nextUrl.searchParams.get("next"), homeFor(state.user.role));
  return NextResponse.redirect(new URL(landingFor(state.user.role, wanted), request.url));
}
