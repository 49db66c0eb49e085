import type { ExchangeId, KeyPermissions, MarketType } from "./types";

/** The implicit ccxt methods each venue answers a key's own permissions with (ccxt 4.5, js/src/abstract). */
export type ImplicitApi = Record<string, ((params?: Record<string, unknown>) => Promise<unknown>) | undefined>;

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const strings = (value: unknown): string[] | null =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : null;
const bool = (value: unknown): boolean | null => (typeof value === "boolean" ? value : null);
const includesAny = (list: string[] | null, wanted: string[]) => (list ? list.some((v) => wanted.includes(v.toLowerCase())) : null);

/**
 * What each venue says about a key, one endpoint each:
 * Binance: GET /sapi/v1/account/apiRestrictions (`enableWithdrawals`, `enableSpotAndMarginTrading`,
 * `enableFutures`, `ipRestrict`).
 * Bybit v5: GET /v5/user/query-api (`permissions.Wallet` with "Withdraw", `readOnly`, `permissions.Spot`,
 * `permissions.ContractTrade`, `ips` where "*" means any address).
 * OKX v5: GET /api/v5/account/config (`perm` "read_only,trade,withdraw", `ip` empty when unrestricted).
 * Bitget v2: GET /api/v2/spot/account/info (`authorities`: "wwow" withdraw, "stow" spot trade, "coow"
 * contract trade; `ips` empty when unrestricted).
 */
export const PERMISSION_READERS: Record<Exclude<ExchangeId, "paper">, (ex: ImplicitApi, marketType: MarketType) => Promise<KeyPermissions>> = {
  async binance(ex, marketType) {
    const answer = record(await ex.sapiGetAccountApiRestrictions!());
    return {
      withdrawals: bool(answer.enableWithdrawals),
      trading: bool(marketType === "swap" ? answer.enableFutures : answer.enableSpotAndMarginTrading),
      ipRestricted: bool(answer.ipRestrict),
    };
  },
  async bybit(ex, marketType) {
    const result = record(record(await ex.privateGetV5UserQueryApi!()).result);
    const permissions = result.permissions === undefined ? null : record(result.permissions);
    const ips = strings(result.ips);
    const readOnly = result.readOnly === undefined ? null : Number(result.readOnly) === 1;
    const traded =
      permissions &&
      (marketType === "swap"
        ? includesAny([...(strings(permissions.ContractTrade) ?? []), ...(strings(permissions.Derivatives) ?? [])], ["order", "derivativestrade"])
        : includesAny(strings(permissions.Spot), ["spottrade"]));
    return {
      withdrawals: permissions ? includesAny(strings(permissions.Wallet), ["withdraw"]) : null,
      trading: readOnly === true ? false : (traded ?? null),
      ipRestricted: ips ? ips.length > 0 && !ips.includes("*") : null,
    };
  },
  async okx(ex) {
    const data = record(await ex.privateGetAccountConfig!()).data;
    const config = Array.isArray(data) ? record(data[0]) : {};
    const perms = typeof config.perm === "string" ? config.perm.split(",").map((p) => p.trim()) : null;
    return {
      withdrawals: perms ? perms.includes("withdraw") : null,
      trading: perms ? perms.includes("trade") : null,
      ipRestricted: typeof config.ip === "string" ? config.ip.trim() !== "" : null,
    };
  },
  async bitget(ex, marketType) {
    const data = record(record(await ex.privateSpotGetV2SpotAccountInfo!()).data);
    const authorities = strings(data.authorities);
    return {
      withdrawals: includesAny(authorities, ["wwow", "withdraw"]),
      trading: includesAny(authorities, marketType === "swap" ? ["coow", "trade"] : ["stow", "trade"]),
      ipRestricted: typeof data.ips === "string" ? data.ips.trim() !== "" : null,
    };
  },
};
