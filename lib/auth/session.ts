import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { findUserById, type PublicUser } from "@/db/queries/users";
import { AppError } from "@/lib/errors";
import { auth } from "./auth";
import { tokenWrittenThisRequest } from "./fresh-token";
import { can, homeFor, type Permission } from "./roles";

export type SessionState =
  | { status: "anonymous" }
  | { status: "ended"; reason: "disabled" | "revoked" }
  | { status: "stale"; user: PublicUser }
  | { status: "active"; user: PublicUser };

/**
 * The server-side lock behind the middleware's gate: the database, not the cookie, says whether the
 * user still exists, is enabled, and holds the role the token claims.
 */
export const getSessionState = cache(async (): Promise<SessionState> => {
  const session = await auth();
  if (!session?.user?.id) return { status: "anonymous" };
  const user = await findUserById(session.user.id);
  if (!user) return { status: "ended", reason: "revoked" };
  if (user.disabled || user.role === 0) return { status: "ended", reason: "disabled" };
  let role = session.user.role;
  if (user.sessionVersion !== session.sessionVersion) {
    // A server action in this same request may have re-issued the token with the new version.
    const rewritten = await tokenWrittenThisRequest();
    if (rewritten?.id !== user.id || rewritten.sv !== user.sessionVersion) return { status: "ended", reason: "revoked" };
    role = rewritten.role ?? 0;
  }
  if (user.role !== role) return { status: "stale", user };
  return { status: "active", user };
});

/** For pages and layouts: returns the user or redirects where they belong. */
export async function requirePageUser(permission: Permission, currentPath: string): Promise<PublicUser> {
  const state = await getSessionState();
  switch (state.status) {
    case "anonymous":
      redirect(`/login?callbackUrl=${encodeURIComponent(currentPath)}`);
    case "ended":
      redirect(`/api/session/end?reason=${state.reason}`);
    case "stale":
      redirect(`/api/session/sync?next=${encodeURIComponent(currentPath)}`);
    case "active":
      if (!can(state.user.role, permission)) redirect(homeFor(state.user.role));
      return state.user;
  }
}

/** For server actions and route handlers: returns the user or throws a typed error. */
export async function requireUser(permission?: Permission): Promise<PublicUser> {
  const state = await getSessionState();
  if (state.status === "anonymous" || state.status === "ended") {
    throw new AppError("unauthorized", "Please sign in again.");
  }
  // A stale token is judged by the database role, which is the truth.
  if (permission && !can(state.user.role, permission)) {
    throw new AppError("forbidden", "You do not have permission to do this.");
  }
  return state.user;
}
