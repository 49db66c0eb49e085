import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { findUserById, type PublicUser } from "@/db/queries/users";
import { AppError } from "@/lib/errors";
import { auth, updateSession } from "./auth";
import { requestMeta } from "@/lib/request";
import { deviceState, noteDeviceSeen } from "./devices";
import { isSessionEnded } from "./ended-sessions";
import { sessionVersionProof, tokenWrittenThisRequest } from "./fresh-token";
import { can, homeFor, SETUP_PERMISSION, TWO_FACTOR_SETUP_PATH, type Permission } from "./roles";
import { needsTwoFactorSetup } from "./two-factor";

export type SessionState =
  | { status: "anonymous" }
  | { status: "ended"; reason: "disabled" | "revoked" }
  | { status: "stale"; user: PublicUser }
  | { status: "unconfirmed"; step: "email" | "device"; user: PublicUser; deviceId: string }
  | { status: "active"; user: PublicUser; twoFactorSetup: boolean };

/**
 * The server-side lock behind the middleware's gate: the database, not the cookie, says whether the
 * user still exists, is enabled, holds the role the token claims, has a verified email, and whether the
 * session's device is trusted (a revoked or declined device ends the session).
 */
export const getSessionState = cache(async (): Promise<SessionState> => {
  const session = await auth();
  if (!session?.user?.id) return { status: "anonymous" };
  // A session from before session ids existed signs in again.
  if (!session.sessionId) return { status: "ended", reason: "revoked" };
  // The user, the session's device and whether it was signed out are read together.
  const [user, deviceRead, ended] = await Promise.all([
    findUserById(session.user.id),
    session.deviceId ? deviceState(session.user.id, session.deviceId) : Promise.resolve(null),
    isSessionEnded(session.sessionId),
  ]);
  if (!user || ended) return { status: "ended", reason: "revoked" };
  if (user.disabled || user.role === 0) return { status: "ended", reason: "disabled" };
  let claims = { role: session.user.role, did: session.deviceId, dt: session.deviceTrusted, ev: session.emailVerified, tfs: session.twoFactorSetup };
  if (user.sessionVersion !== session.sessionVersion) {
    // A server action in this same request may have re-issued the token with the new version.
    const rewritten = await tokenWrittenThisRequest();
    if (rewritten?.id !== user.id || rewritten.sv !== user.sessionVersion) return { status: "ended", reason: "revoked" };
    claims = { role: rewritten.role ?? 0, did: rewritten.did, dt: rewritten.dt === true, ev: rewritten.ev === true, tfs: rewritten.tfs === true };
  }
  // Every session belongs to a device; one from before devices existed signs in again.
  if (!claims.did) return { status: "ended", reason: "revoked" };
  const state = claims.did === session.deviceId ? deviceRead : await deviceState(user.id, claims.did);
  const device = state?.status;
  if (device !== "trusted" && device !== "pending") return { status: "ended", reason: "revoked" };
  if (device === "trusted") await noteDeviceSeen(claims.did, state!.lastSeenAt, (await requestMeta()).ip);
  if (!user.emailVerifiedAt) return { status: "unconfirmed", step: "email", user, deviceId: claims.did };
  if (device === "pending") return { status: "unconfirmed", step: "device", user, deviceId: claims.did };
  const twoFactorSetup = await needsTwoFactorSetup(user.id, user.role);
  // The middleware's 2FA gate reads the token: a token that disagrees is rewritten first.
  if (user.role !== claims.role || !claims.ev || !claims.dt || twoFactorSetup !== claims.tfs) return { status: "stale", user };
  return { status: "active", user, twoFactorSetup };
});

/**
 * For pages and layouts: returns the user or redirects where they belong. An admin the platform
 * requires 2FA of, who has none, reaches only the 2FA set-up (SETUP_PERMISSION) until enrolled.
 */
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
      if (state.twoFactorSetup && permission !== SETUP_PERMISSION) redirect(TWO_FACTOR_SETUP_PATH);
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
  const setup = state.status === "active" ? state.twoFactorSetup : await needsTwoFactorSetup(state.user.id, state.user.role);
  if (permission !== SETUP_PERMISSION && setup) {
    throw new AppError("two_factor_required", "Set up two-factor authentication first.");
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
