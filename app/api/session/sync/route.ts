import type { NextRequest } from "next/server";
import { updateSession } from "@/lib/auth/auth";
import { getSessionState } from "@/lib/auth/session";
import { homeFor, landingFor } from "@/lib/auth/roles";
import { relativeRedirect, safeRedirectPath } from "@/lib/request";

/** Rewrites the session token from the database (a changed role, a verified email, a device trusted meanwhile). */
export async function GET(request: NextRequest) {
  const state = await getSessionState();
  if (state.status === "anonymous") return relativeRedirect("/login");
  if (state.status === "ended") return relativeRedirect(`/api/session/end?reason=${state.reason}`);
  if (state.status === "unconfirmed") return relativeRedirect(state.step === "email" ? "/verify-email" : "/confirm-device");
  await updateSession({});
  const wanted = safeRedirectPath(request.nextUrl.searchParams.get("next"), homeFor(state.user.role));
  return relativeRedirect(landingFor(state.user.role, wanted));
}
