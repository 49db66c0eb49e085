import { ExchangeError, type ExchangeErrorCode } from "./types";

/** ccxt error class names, most specific first (a class inherits from the ones after it). */
const BY_CLASS: [string, ExchangeErrorCode][] = [
  ["PermissionDenied", "permission"],
  ["AccountSuspended", "permission"],
  ["AccountNotEnabled", "permission"],
  ["AuthenticationError", "auth"],
  ["InsufficientFunds", "insufficient_funds"],
  ["OrderNotFound", "order_not_found"],
  ["InvalidOrder", "invalid_order"],
  ["BadSymbol", "invalid_order"],
  ["BadRequest", "invalid_order"],
  ["ArgumentsRequired", "invalid_order"],
  ["RateLimitExceeded", "rate_limited"],
  ["DDoSProtection", "rate_limited"],
  ["OnMaintenance", "exchange_down"],
  ["ExchangeNotAvailable", "exchange_down"],
  ["RequestTimeout", "network"],
  ["NetworkError", "network"],
  // Binance: "Internal error; unable to process your request" (-1001) and other 5xx answers.
  ["OperationFailed", "exchange_down"],
];

/**
 * Venue codes whose ccxt class says less than the code does (ccxt puts the answer's body in the message:
 * `bybit {"retCode":10016,...}`). The rest of Bybit's map is ccxt's: 10003/10004 invalid key or signature
 * (auth), 10005/10010 permission or IP not allow-listed (permission), 170131 insufficient balance,
 * 10006/10018 rate limited, 110001/170213 unknown order, 170136/170140 below the minimum (invalid order).
 */
const BY_VENUE_CODE: Record<string, ExchangeErrorCode> = {
  "bybit:10016": "exchange_down", // "System error. Please try again later."
  "bybit:10009": "rate_limited", // "IP has been banned" (ccxt: AuthenticationError)
  // OKX's map is otherwise ccxt's: 50111/50113/50105 invalid key, signature or passphrase (auth), 50110 IP not
  // allow-listed (permission), 51008/51119 insufficient balance, 50011 rate limited, 50001/50013 venue busy.
  "okx:50061": "rate_limited", // "You've reached the maximum order rate limit for this account." (ccxt: ExchangeError)
};

function venueCode(message: string): ExchangeErrorCode | undefined {
  // OKX: `okx {"code":"1","data":[{"sCode":"50061",...}],...}`: the entry's code says more than the answer's.
  const okx = message.startsWith("okx ") ? (/"sCode"\s*:\s*"(\d+)"/.exec(message) ?? /"code"\s*:\s*"(\d+)"/.exec(message)) : null;
  if (okx) return BY_VENUE_CODE[`okx:${okx[1]}`];
  const match = /^(\w+) .*"ret_?[cC]ode"\s*:\s*(\d+)/s.exec(message);
  return match ? BY_VENUE_CODE[`${match[1]}:${match[2]}`] : undefined;
}

function classChain(error: unknown): string[] {
  const names: string[] = [];
  for (let p = error as object | null; p && p !== Error.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const name = (p as { constructor?: { name?: string } }).constructor?.name;
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Removes what must never reach a log: signatures and any of the given secrets. */
export function redact(text: string, secrets: (string | undefined)[] = []): string {
  let out = text.replace(/signature=[0-9a-fA-F]+/g, "signature=[redacted]");
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  return out.slice(0, 500);
}

export function mapCcxtError(
  error: unknown,
  opts: { secrets?: (string | undefined)[]; retryAfter?: string | null } = {},
): ExchangeError {
  if (error instanceof ExchangeError) return error;
  const chain = classChain(error);
  const raw = error instanceof Error ? error.message : String(error);
  const code = venueCode(raw) ?? BY_CLASS.find(([name]) => chain.includes(name))?.[1] ?? "unknown";
  const retryAfter = opts.retryAfter ? Number(opts.retryAfter) : undefined;
  return new ExchangeError(
    code,
    redact(raw, opts.secrets ?? []),
    code === "rate_limited" && retryAfter !== undefined && Number.isFinite(retryAfter) ? retryAfter : undefined,
  );
}
