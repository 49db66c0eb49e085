import "server-only";
import { devMailboxEnabled } from "@/lib/email";
import { isLoopback, requestMeta } from "@/lib/request";
import { can } from "./roles";
import { getSessionState } from "./session";

/**
 * Whether this request may read /dev/mailbox: only where the mailbox exists (outside production, or with
 * DEV_MAILBOX=true), and then only from the machine itself or for a signed-in admin. The address is
 * the trusted one (TRUSTED_PROXY_HOPS): a forged X-Forwarded-For: 127.0.0.1 does not count.
 */
export async function canReadDevMailbox(): Promise<boolean> {
  if (!devMailboxEnabled()) return false;
  if (isLoopback((await requestMeta()).ip)) return true;
  const state = await getSessionState();
  return state.status === "active" && can(state.user.role, "admin.view");
}
