import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { loadExchangeClass, type CcxtExchangeId } from "./ccxt-adapter";
import type { KeyPermissions } from "./types";

/** The implicit ccxt methods each venue answers a key's own permissions with (ccxt 4.5, js/src/abstract). */
type Implicit = Record<string, ((params?: Record<string, unknown>) => Promise<unknown>) | undefined>;

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const strings = (value: unknown): string[] | null =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : null;

/**
 * Whether the venue says the key may withdraw: true, false, or null when the answer does not say.
 * Binance: GET /sapi/v1/account/apiRestrictions `enableWithdrawals`.
 * Bybit v5: GET /v5/user/query-api `permissions.Wallet` containing "Withdraw".
 * OKX v5: GET /api/v5/account/config `perm` ("read_only,trade,withdraw").
 * Bitget v2: GET /api/v2/spot/account/info `authorities` containing "wwow" (wallet withdrawal).
 */
export const WITHDRAWAL_READERS: Record<CcxtExchangeId, (ex: Implicit) => Promise<boolean | null>> = {
  async binance(ex) {
    const answer = record(await ex.sapiGetAccountApiRestrictions!());
    return typeof answer.enableWithdrawals === "boolean" ? answer.enableWithdrawals : null;
  },
  async bybit(ex) {
    const result = record(record(await ex.privateGetV5UserQueryApi!()).result);
    const wallet = strings(record(result.permissions).Wallet);
    return wallet ? wallet.some((p) => p.toLowerCase() === "withdraw") : null;
  },
  async okx(ex) {
    const data = record(await ex.privateGetAccountConfig!()).data;
    const perm = Array.isArray(data) ? record(data[0]).perm : undefined;
    return typeof perm === "string" ? perm.split(",").some((p) => p.trim() === "withdraw") : null;
  },
  async bitget(ex) {
    const authorities = strings(record(record(await ex.privateSpotGetV2SpotAccountInfo!()).data).authorities);
    return authorities ? authorities.some((a) => a === "wwow" || a === "withdraw") : null;
  },
};

/** Sends every API call of a ccxt instance to the test override origin, as the adapter does. */
function pointAt(api: Record<string, unknown>, origin: string) {
  for (const [key, value] of Object.entries(api)) {
    if (typeof value === "string" && /^https?:\/\//.test(value)) api[key] = value.replace(/^https?:\/\/[^/]+/, origin.replace(/\/$/, ""));
    else if (value && typeof value === "object") pointAt(value as Record<string, unknown>, origin);
  }
}

/**
 * Asks the venue what the key may do. An answer without the permission field is "does not say" (null),
 * and so is any failure on a sandbox. On a live venue a failed read (a timeout, an outage, a refusal)
 * refuses the key: saving a key that may withdraw because the check happened to fail is the one
 * outcome this check exists to prevent, so the person is asked to try again.
 */
export async function readKeyPermissions(opts: {
  exchange: CcxtExchangeId;
  sandbox: boolean;
  credentials: { apiKey: string; secret: string; password?: string };
}): Promise<KeyPermissions> {
  const { EXCHANGE_API_OVERRIDE: override, EXCHANGE_TIMEOUT_MS: timeout } = env();
  const Cls = await loadExchangeClass(opts.exchange);
  const ex = new Cls({ ...opts.credentials, timeout, enableRateLimit: false, options: { adjustForTimeDifference: false } });
  if (opts.sandbox) ex.setSandboxMode(true);
  if (override) pointAt(ex.urls.api as Record<string, unknown>, override);
  try {
    return { withdrawals: await WITHDRAWAL_READERS[opts.exchange](ex as unknown as Implicit) };
  } catch (error) {
    if (opts.sandbox) return { withdrawals: null };
    console.warn(`Reading the ${opts.exchange} key's permissions failed:`, error instanceof Error ? error.name : "unknown");
    throw new AppError(
      "key_permissions_unread",
      `Could not read from ${opts.exchange} whether the key may withdraw; nothing was saved. Try again in a minute.`,
      undefined,
      { exchange: opts.exchange },
    );
  }
}
