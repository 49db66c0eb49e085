import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { cookies, headers } from "next/headers";
import { decode } from "next-auth/jwt";
import { cookieFromHeader } from "@/lib/cookies";
import { env } from "@/lib/env";

const COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"];

type WrittenToken = { id?: string; sv?: number; role?: number; did?: string; dt?: boolean; ev?: boolean; sid?: string; at?: number; tfs?: boolean };

/**
 * The session token written earlier in this same request (a server action that re-issued it), or null.
 *
 * Auth.js reads the session from the request headers, which still carry the cookie the browser sent.
 * When a server action re-issues the token (after a session-version bump) Next.js re-renders the page
 * in the same request; that render must judge the new token, or it would end the very session the
 * action just kept alive.
 */
export async function tokenWrittenThisRequest(): Promise<WrittenToken | null> {
  const [jar, sent] = [await cookies(), (await headers()).get("cookie")];
  for (const name of COOKIE_NAMES) {
    const current = jar.get(name)?.value;
    if (!current || current === cookieFromHeader(sent, name)) continue;
    try {
      const token = await decode({ token: current, secret: env().AUTH_SECRET, salt: name });
      if (token) return token as WrittenToken;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * A session-version bump ends every session; the one that made the change keeps going by presenting
 * this proof to the token update. The browser can trigger a token update itself (Auth.js's session
 * endpoint) but cannot compute the proof, so an ended session cannot revive itself that way.
 */
export function sessionVersionProof(userId: string, from: number, to: number): string {
  return createHmac("sha256", env().AUTH_SECRET).update(`sv:${userId}:${from}:${to}`).digest("base64url");
}

export function isSessionVersionProof(proof: unknown, userId: string, from: number, to: number): boolean {
  // Exactly one step: a proof never carries a session over somebody else's bump made meanwhile.
  if (typeof proof !== "string" || to !== from + 1) return false;
  const expected = Buffer.from(sessionVersionProof(userId, from, to));
  const given = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** How long a step-up proof may take from the password check to the token update (one request). */
const REAUTH_PROOF_SECONDS = 60;

/** Proof that this session just re-entered its password or a code; the token update trusts nothing else. */
export function recentAuthProof(userId: string, sessionId: string, at = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac("sha256", env().AUTH_SECRET).update(`reauth:${userId}:${sessionId}:${at}`).digest("base64url");
  return `${at}.${mac}`;
}

export function isRecentAuthProof(proof: unknown, userId: string, sessionId: string): boolean {
  if (typeof proof !== "string") return false;
  const at = Number(proof.split(".")[0]);
  const age = Math.floor(Date.now() / 1000) - at;
  if (!Number.isInteger(at) || age < 0 || age > REAUTH_PROOF_SECONDS) return false;
  const expected = Buffer.from(recentAuthProof(userId, sessionId, at));
  const given = Buffer.from(proof);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
