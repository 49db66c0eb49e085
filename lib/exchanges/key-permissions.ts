import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { ExchangeClient, KeyPermissions } from "./types";
import { log } from "@/lib/logger";

const UNSAID: KeyPermissions = { withdrawals: null, trading: null, ipRestricted: null };

/**
 * The rules on top of the client's `keyPermissions()` read. A failure on a sandbox is "does not say" (testnets
 * often lack the endpoint). On a live venue a failed read (a timeout, an outage, a refusal) refuses the key:
 * saving a key that may withdraw because the check happened to fail is the one outcome this check exists to
 * prevent, so the person is asked to try again.
 */
export async function readKeyPermissions(
  client: ExchangeClient,
  opts: { sandbox: boolean },
): Promise<KeyPermissions> {
  try {
    return await client.keyPermissions();
  } catch (error) {
    if (opts.sandbox) return UNSAID;
    log({ venue: client.exchange }).warn({ errorType: error instanceof Error ? error.name : "unknown" }, "reading the key's permissions failed");
    throw new AppError(
      "key_permissions_unread",
      `Could not read from ${client.exchange} whether the key may withdraw; nothing was saved. Try again in a minute.`,
      undefined,
      { exchange: client.exchange },
    );
  }
}

/** A key the venue says may withdraw is never stored, and a stored one is flagged. */
export function refusesKey(permissions: KeyPermissions): boolean {
  return permissions.withdrawals === true;
}

/** The platform's outbound addresses that keys should be restricted to ("" when none are configured). */
export function outboundIps(): string {
  return (env().OUTBOUND_IPS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .join(", ");
}

/** A key that can withdraw is refused, saying how to make a trade-only one and which addresses to allow. */
export function withdrawalKeyError(exchange: string) {
  const ips = outboundIps();
  return new AppError(
    "withdrawal_key",
    `The ${exchange} API key can withdraw funds; create a trade-only key${ips ? ` allowed from ${ips}` : ""}.`,
    undefined,
    { exchange, ips: ips || "none" },
  );
}
