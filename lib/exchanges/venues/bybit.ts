import type { Exchange, Order as CcxtOrder } from "ccxt";
import { PERMISSION_READERS } from "../permission-readers";
import type { MarketType, OcoRequest } from "../types";
import type { VenueProfile } from "./types";
import { placeTriggerPair } from "./trigger-pair";
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

/** A spot conditional sell (ccxt's `triggerPrice`: `orderFilter: StopOrder`), a limit at `price` once fired. */
function placeBybitPair(ex: Exchange, symbol: string, request: OcoRequest) {
  return placeTriggerPair(request, {
    place: (leg) => ex.createOrder(symbol, "limit", "sell", Number(request.amount), Number(leg.price), { triggerPrice: Number(leg.triggerPrice), clientOrderId: leg.clientOrderId }),
    find: (clientOrderId) => findBybitOrder(ex, symbol, { orderLinkId: clientOrderId }),
    cancel: async (id) => {
      await ex.cancelOrder(id, symbol, { trigger: true });
    },
  });
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
    ...(marketType === "spot"
      ? {
          placeOco: (ex: Exchange, _m: unknown, request: OcoRequest) => placeBybitPair(ex, request.symbol, request),
          cancelTrigger: async (ex: Exchange, id: string, symbol: string) => {
            await ex.cancelOrder(id, symbol, { trigger: true });
          },
          cancelAllTriggers: async (ex: Exchange, symbol: string) => {
            const canceled = await ex.cancelAllOrders(symbol, { trigger: true });
            return Array.isArray(canceled) ? canceled.length : 0;
          },
        }
      : {
          // Linear perpetuals: the position's take-profit and stop-loss as reduce-only conditional market
          // orders (ccxt's stopLossPrice / takeProfitPrice set triggerPrice and its direction), kept by
          // Bybit under our orderLinkId, so they fire with our servers down. When the position is gone
          // before one fires, Bybit deactivates it; the engine cancels what is left.
          // No `cancelTrigger`: a linear conditional order is canceled by its id like a plain one, and the
          // plain cancel reads the order back (Bybit answers a cancel with the ids only), so a stop that
          // fired while being canceled is seen filled, not taken for canceled.
          closeTriggers: true,
          closeTriggerParams: () => ({ reduceOnly: true }),
          cancelAllTriggers: async (ex: Exchange, symbol: string) => {
            const canceled = await ex.cancelAllOrders(symbol, { trigger: true });
            return Array.isArray(canceled) ? canceled.length : 0;
          },
        }),
    keyPermissions: PERMISSION_READERS.bybit,
  };
}
