import type { Exchange, Order as CcxtOrder } from "ccxt";
import { PERMISSION_READERS } from "../permission-readers";
import type { MarketType } from "../types";
import type { VenueProfile } from "./types";
import { cancelAllUnified } from "./unified";

/** Bybit v5 answers at most 50 orders a page on `/v5/order/realtime` and `/v5/order/history`. */
const PAGE = 50;

/**
 * One order on a Bybit unified account, by `orderLinkId` (our client order id) or `orderId`. ccxt's
 * `fetchOrder` refuses unified accounts unless told `acknowledged` (it reads only the last 500 orders), so
 * the two lists are asked instead: open orders first, then finished ones — an order that fills between
 * the two reads is still found, since it can only move from the first list to the second.
 */
async function findBybitOrder(ex: Exchange, symbol: string, by: { orderLinkId: string } | { orderId: string }): Promise<CcxtOrder | null> {
  const open = await ex.fetchOpenOrders(symbol, undefined, undefined, by);
  if (open[0]) return open[0];
  const finished = await ex.fetchCanceledAndClosedOrders(symbol, undefined, undefined, by);
  return finished[0] ?? null;
}

/** Open and finished orders of a symbol (Bybit has no single "all orders" list). */
async function bybitOrderHistory(ex: Exchange, symbol: string, limit: number): Promise<CcxtOrder[]> {
  const page = Math.min(limit, PAGE);
  const [open, finished] = await Promise.all([ex.fetchOpenOrders(symbol, undefined, page), ex.fetchCanceledAndClosedOrders(symbol, undefined, page)]);
  return [...open, ...finished];
}

/** Seconds until Bybit's per-key limit resets, from the `X-Bapi-Limit-Reset-Timestamp` header (ms). */
function bybitRetryAfter(headers: Record<string, string> | undefined, now = Date.now()): string | null {
  const reset = Number(headers?.["x-bapi-limit-reset-timestamp"] ?? headers?.["X-Bapi-Limit-Reset-Timestamp"]);
  return Number.isFinite(reset) && reset > 0 ? String(Math.max(1, Math.ceil((reset - now) / 1000))) : null;
}

export function bybitProfile(marketType: MarketType): VenueProfile {
  return {
    // Only the market type the client trades: Bybit would otherwise load spot, linear, inverse and options.
    options: { fetchMarkets: { types: [marketType === "swap" ? "linear" : "spot"] } },
    retryAfter: (headers) => bybitRetryAfter(headers),
    findByClientId: (ex, symbol, clientOrderId) => findBybitOrder(ex, symbol, { orderLinkId: clientOrderId }),
    orderHistory: bybitOrderHistory,
    cancelAll: cancelAllUnified,
    // Bybit acknowledges a cancel with the ids only: the order is read back for what it filled.
    readCanceled: (ex, id, symbol) => findBybitOrder(ex, symbol, { orderId: id }),
    keyPermissions: PERMISSION_READERS.bybit,
  };
}
