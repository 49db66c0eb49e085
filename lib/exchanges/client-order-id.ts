import { createHash, randomBytes } from "node:crypto";

// One format every venue accepts: OKX clOrdId is 1-32 alphanumerics, Bybit orderLinkId <= 36 chars,
// Binance newClientOrderId <= 36 of [.A-Z:/a-z0-9_-].
const PREFIX = "sb";

/** Deterministic: the same event, strategy and leg always give the same id. */
export function deterministicClientOrderId(...parts: string[]): string {
  return PREFIX + createHash("sha256").update(parts.join("\u001f")).digest("hex").slice(0, 30);
}

/** Manual orders: random, written in our order row before the exchange is called. */
export function manualClientOrderId(): string {
  return PREFIX + "m" + randomBytes(14).toString("hex").slice(0, 27);
}
