import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { findUserById, type PublicUser } from "@/db/queries/users";
import { AppError } from "@/lib/errors";
import { auth, updateSession } from "./auth";
import { requestMeta } from "@/lib/request";
import { deviceState, noteDeviceSeen } from "./devices";
import { sessionVersionProof, tokenWrittenThisRequest } from "./fresh-token";
import { can, homeFor, type Permission } from "./roles";

export type SessionState =
  | { status: "anonymous" }
  | { status: "ended"; reason: "disabled" | "revoked" }
  | { status: "stale"; user: PublicUser }
  | { status: "unconfirmed"; step: "email" | "device"; user: PublicUser; deviceId: string }
  | { status: "active"; user: PublicUser };

/**
 * The server-side lock behind the middleware's gate: the database, not the cookie, says whether the
 * user still exists, is enabled, holds the role the token claims, has a verified email, and whether the
 * session's device is trusted (a revoked or declined device ends the session).
 */
export const getSessionState = cache(async (): Promise<SessionState> => {
  const session = await auth();
  if (!session?.user?.id) return { status: "anonymous" };
  // The user and the session's device are read together (two lookups, one round trip of waiting).
  const [user, deviceRead] = await Promise.all([
    findUserById(session.user.id),
    session.deviceId ? deviceState(session.user.id, session.deviceId) : Promise.resolve(null),
  ]);
  if (!user) return { status: "ended", reason: "revoked" };
  if (user.disabled || user.role === 0) return { status: "ended", reason: "disabled" };
  let claims = { role: session.user.role, did: session.deviceId, dt: session.deviceTrusted, ev: session.emailVerified };
  if (user.sessionVersion !== session.sessionVersion) {
    // A server action in this same request may have re-issued the token with the new version.
    const rewritten = await tokenWrittenThisRequest();
    if (rewritten?.id !== user.id || rewritten.sv !== user.sessionVersion) return { status: "ended", reason: "revoked" };
    claims = { role: rewritten.role ?? 0, did: rewritten.did, dt: rewritten.dt === true, ev: rewritten.ev === true };
  }
  // Every session belongs to a device; one from before devices existed signs in again.
  if (!claims.did) return { status: "ended", reason: "revoked" };
  const state = claims.did === session.deviceId ? deviceRead : await deviceState(user.id, claims.did);
  const device = state?.status;
  if (device !== "trusted" && device !== "pending") return { status: "ended", reason: "revoked" };
  if (device === "trusted") await noteDeviceSeen(claims.did, state!.lastSeenAt, (await requestMeta()).ip);
  if (!user.emailVerifiedAt) return { status: "unconfirmed", step: "email", user, deviceId: claims.did };
  if (device === "pending") return { status: "unconfirmed", step: "device", user, deviceId: claims.did };
  if (user.role !== claims.role || !claims.ev || !claims.dt) return { status: "stale", user };
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
    case "unconfirmed":
      redirect(state.step === "email" ? "/verify-email" : "/confirm-device");
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
  if (state.status === "unconfirmed") {
    throw new AppError("unauthorized", state.step === "email" ? "Please verify your email address first." : "Please confirm this device first.");
  }
  // A stale token is judged by the database role, which is the truth.
  if (permission && !can(state.user.role, permission)) {
    throw new AppError("forbidden", "You do not have permission to do this.");
  }
  return state.user;
}

/**
 * After this request bumped the user's session version (ending every session), re-issues this session's
 * token at the new version with a server-only proof, so the one that made the change stays signed in.
 */
export async function keepThisSession(userId: string, from: number, to: number) {
  await updateSession({ svProof: sessionVersionProof(userId, from, to) } as object);
}
