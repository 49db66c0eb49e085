import "server-only";
import { devMailboxEnabled } from "@/lib/email";
import { env } from "@/lib/env";
import { isLoopback, requestMeta } from "@/lib/request";
import { can } from "./roles";
import { getSessionState } from "./session";

/**
 * Whether `next dev` listens on a loopback address only (`npm run dev` binds 127.0.0.1), so that only
 * this machine can reach it. Next.js records the address it listens on as __NEXT_PRIVATE_ORIGIN; for
 * all interfaces (no -H, or 0.0.0.0) it writes "localhost", which therefore does not count, and a
 * Next.js that stops writing it leaves the mailbox to admins (fail closed).
 */
export function devServerOnLoopback(origin = process.env["__NEXT_PRIVATE_ORIGIN"]): boolean {
  if (!origin) return false;
  try {
    const host = new URL(origin).hostname;
    return host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/**
 * Whether this request may read /dev/mailbox: only where the mailbox exists (outside production, or with
 * DEV_MAILBOX=true), and then only from the machine itself or for a signed-in admin. "The machine
 * itself" is a trusted loopback address (TRUSTED_PROXY_HOPS: a forged X-Forwarded-For: 127.0.0.1 does
 * not count) or, under `next dev`, a server that listens on loopback only.
 */
export async function canReadDevMailbox(): Promise<boolean> {
  if (!devMailboxEnabled()) return false;
  if (isLoopback((await requestMeta()).ip)) return true;
  if (env().NODE_ENV !== "production" && devServerOnLoopback()) return true;
  const state = await getSessionState();
  return state.status === "active" && can(state.user.role, "admin.view");
}
