import type { Redis } from "@upstash/redis";
import { upstashRedis } from "@/lib/upstash";
import { longestSessionSeconds } from "./session-limits";

/**
 * Session revocations mirrored into Redis so the edge middleware can refuse an ended session without a
 * database call. Edge-safe (lib/upstash: @upstash/redis over fetch). Without Redis configured the server-side
 * check in `getSessionState` is the only lock, and it is always applied anyway.
 */

// Long enough to outlive any session token (SESSION_REMEMBER_DAYS, 30 by default).
const ttlSeconds = () => longestSessionSeconds() + 24 * 60 * 60;

const svKey = (userId: string) => `sb:session:sv:${userId}`;
const deviceKey = (deviceId: string) => `sb:session:device:${deviceId}`;
const sidKey = (sessionId: string) => `sb:session:sid:${sessionId}`;

/** The middleware asks on every request: a stuck Redis costs at most this, then the server decides. */
export const REVOCATION_TIMEOUT_MS = 1_500;

let client: Redis | null | undefined;

function store(): Redis | null {
  if (client === undefined) client = upstashRedis({ automaticDeserialization: false, timeoutMs: REVOCATION_TIMEOUT_MS }) ?? null;
  return client;
}

export function resetRevocationStoreForTests() {
  client = undefined;
}

async function write(key: string, value: string) {
  const redis = store();
  if (!redis) return;
  try {
    await redis.set(key, value, { ex: ttlSeconds() });
  } catch (error) {
    // The database stays the truth: the server-side check still ends the session.
    console.warn("[revocations] Redis write failed:", error instanceof Error ? error.message : String(error));
  }
}

/** Every session of the user with an older session version is over. */
export function publishSessionVersion(userId: string, sessionVersion: number) {
  return write(svKey(userId), String(sessionVersion));
}

/** A device that is no longer trusted (revoked, declined): its sessions are over. */
export function publishDeviceRevoked(deviceId: string) {
  return write(deviceKey(deviceId), "revoked");
}

/** One signed-out session: its token (and any copy of it) is over. */
export function publishSessionEnded(sessionId: string) {
  return write(sidKey(sessionId), "ended");
}

/**
 * For the middleware: true when Redis says this token's session has ended. Unknown (no Redis, Redis
 * down) answers false: the server-side check behind the gate decides then.
 */
export async function sessionRevoked(token: { id?: string; sv?: number; did?: string; sid?: string }): Promise<boolean> {
  const redis = store();
  if (!redis || !token.id) return false;
  try {
    const keys = [svKey(token.id), token.did ? deviceKey(token.did) : null, token.sid ? sidKey(token.sid) : null];
    const [sv, device, ended] = await redis.mget<(string | null)[]>(...keys.map((k) => k ?? "sb:session:none"));
    if (device === "revoked" || ended === "ended") return true;
    return sv !== null && sv !== undefined && Number(sv) > (token.sv ?? 0);
  } catch {
    return false;
  }
}
