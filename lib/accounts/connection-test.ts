import "server-only";
import { getAccountForTrading, recordKeyCheck } from "@/db/queries/exchange-accounts";
import { AppError, isAppError } from "@/lib/errors";
import { clientForAccount, ExchangeError, type ExchangeErrorCode, type KeyPermissions } from "@/lib/exchanges";
import { outboundIps, readKeyPermissions, refusesKey } from "@/lib/exchanges/key-permissions";
import { getRateLimiter } from "@/lib/ratelimit";
import { recordBalance, summarizeBalances } from "./balance-snapshots";

export type ConnectionCheckId = "balance" | "trading" | "withdrawals" | "ip" | "market";
export type ConnectionCheckStatus = "ok" | "warn" | "failed" | "unknown";

/** One line of the result: `reason` names the sentence (accounts.connection.<id>.<reason>) saying what to do. */
export interface ConnectionCheck {
  id: ConnectionCheckId;
  status: ConnectionCheckStatus;
  reason: string;
  params?: Record<string, string>;
}

export type ConnectionTestOutcome = { kind: "too_soon"; retryAfterSeconds: number } | { kind: "done"; exchange: string; checks: ConnectionCheck[] };

// Each test makes about five exchange calls: a few tests a minute per account is plenty for a person.
const TESTS_PER_MINUTE = 3;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> => promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

function failureReason(error: unknown): string {
  const code: ExchangeErrorCode = error instanceof ExchangeError ? error.code : "unknown";
  if (code === "network" || code === "exchange_down") return "unreachable";
  if (code === "auth" || code === "permission" || code === "rate_limited") return code;
  return "unknown";
}

function permissionChecks(read: Settled<KeyPermissions>, ctx: { paper: boolean; balanceFailed: boolean; swap: boolean }): ConnectionCheck[] {
  if (ctx.paper) {
    return [
      { id: "trading", status: "ok", reason: "paper" },
      { id: "withdrawals", status: "ok", reason: "paper" },
      { id: "ip", status: "unknown", reason: "paper" },
    ];
  }
  if (!read.ok) {
    const reason = ctx.balanceFailed ? "afterBalance" : "unread";
    return (["trading", "withdrawals", "ip"] as const).map((id) => ({ id, status: "unknown", reason }));
  }
  const p = read.value;
  const ips = outboundIps();
  return [
    p.trading === null
      ? { id: "trading", status: "unknown", reason: "unsaid" }
      : { id: "trading", status: p.trading ? "ok" : "failed", reason: p.trading ? "ok" : ctx.swap ? "offFutures" : "offSpot" },
    refusesKey(p)
      ? { id: "withdrawals", status: "failed", reason: "on" }
      : { id: "withdrawals", status: p.withdrawals === false ? "ok" : "unknown", reason: p.withdrawals === false ? "ok" : "unsaid" },
    p.ipRestricted === null
      ? { id: "ip", status: "unknown", reason: "unsaid" }
      : p.ipRestricted
        ? { id: "ip", status: "ok", reason: "ok" }
        : { id: "ip", status: "warn", reason: ips ? "open" : "openNoList", params: { ips } },
  ];
}

/**
 * Tests an account's key against its venue, each call through the client and the shared per-venue budget:
 * the balance read, the key's permissions (trading on, withdrawals off, IP allow-list) and public market data.
 * Limited per account so the button cannot hammer the exchange. The balance read refreshes the card's
 * snapshot and the permissions read the account's withdrawal flag.
 */
export async function testAccountConnection(userId: string, accountId: string): Promise<ConnectionTestOutcome> {
  const account = await getAccountForTrading(userId, accountId);
  if (!account) throw new AppError("not_found", "Account not found");
  const limiter = await getRateLimiter();
  const hit = await limiter.hit(`connection-test:${account.id}`, { limit: TESTS_PER_MINUTE, windowMs: 60_000 });
  if (!hit.allowed) return { kind: "too_soon", retryAfterSeconds: Math.max(1, Math.ceil(hit.retryAfterMs / 1000)) };

  const client = await clientForAccount(account);
  const paper = account.exchange === "paper";

  const balance = await settle(client.balance());
  const permissions = await settle(paper ? client.keyPermissions() : readKeyPermissions(client, { sandbox: account.sandbox }));
  if (!permissions.ok && !isAppError(permissions.error)) throw permissions.error;
  const market = await settle(
    (async () => {
      const markets = await client.markets();
      const preferred = client.marketType === "swap" ? "BTC/USDT:USDT" : "BTC/USDT";
      const symbol = markets.find((m) => m.symbol === preferred)?.symbol ?? markets[0]?.symbol;
      if (!symbol) throw new ExchangeError("no_price", "no markets");
      return client.ticker(symbol);
    })(),
  );

  const checks: ConnectionCheck[] = [];
  if (balance.ok) {
    const summary = summarizeBalances(balance.value);
    await recordBalance(userId, account.id, balance.value);
    checks.push({ id: "balance", status: "ok", reason: "ok", params: { amount: summary.quoteTotal, asset: summary.quoteAsset, others: String(summary.otherAssets) } });
  } else {
    checks.push({ id: "balance", status: "failed", reason: failureReason(balance.error) });
  }
  checks.push(...permissionChecks(permissions, { paper, balanceFailed: !balance.ok, swap: client.marketType === "swap" }));
  checks.push(
    market.ok
      ? { id: "market", status: "ok", reason: "ok", params: { symbol: market.value.symbol, price: market.value.last } }
      : { id: "market", status: "failed", reason: failureReason(market.error) === "unreachable" ? "unreachable" : "unknown" },
  );
  if (!paper) await recordKeyCheck({ userId, accountId: account.id, withdrawalsEnabled: permissions.ok ? permissions.value.withdrawals : null });
  return { kind: "done", exchange: account.exchange, checks };
}
