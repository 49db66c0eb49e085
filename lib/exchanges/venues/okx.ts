import type { Exchange, Order as CcxtOrder } from "ccxt";
import { PERMISSION_READERS } from "../permission-readers";
import type { MarketType } from "../types";
import type { VenueProfile } from "./types";
import { cancelOkxAlgo, cancelOkxAlgos, findOkxCloseTrigger, findOkxLeg, placeOkxOco } from "./okx-algo";
import { ocoLegOf } from "./oco-ids";
import { fetchByClientId } from "./unified";

/** OKX v5 cancels at most 20 orders a request (`/api/v5/trade/cancel-batch-orders`). */
const CANCEL_BATCH = 20;
/** `/api/v5/trade/orders-pending` and `/orders-history` answer at most 100 a page. */
const PAGE = 100;

/**
 * Cancels the given open orders of a symbol (ccxt has no `cancelAllOrders` for OKX), 20 a request. An
 * entry OKX refused (already filled or canceled meanwhile) comes back as "rejected" and is not counted.
 */
async function cancelOkxOrders(ex: Exchange, symbol: string, open: CcxtOrder[]): Promise<CcxtOrder[]> {
  const canceled: CcxtOrder[] = [];
  for (let i = 0; i < open.length; i += CANCEL_BATCH) {
    const ids = open.slice(i, i + CANCEL_BATCH).map((o) => String(o.id));
    const answer = await ex.cancelOrders(ids, symbol);
    canceled.push(...answer.filter((o) => o.status !== "rejected"));
  }
  return canceled;
}

/** Open, filled and canceled orders of a symbol (OKX has no single "all orders" list; ccxt has no `fetchOrders`). */
async function okxOrderHistory(ex: Exchange, symbol: string, limit: number): Promise<CcxtOrder[]> {
  const page = Math.min(limit, PAGE);
  const lists = await Promise.all([ex.fetchOpenOrders(symbol, undefined, page), ex.fetchClosedOrders(symbol, undefined, page), ex.fetchCanceledOrders(symbol, undefined, page)]);
  return lists.flat();
}

export function okxProfile(marketType: MarketType): VenueProfile {
  return {
    options: { fetchMarkets: { types: [marketType] } },
    // A leg of a native pair (spot) or a position's take-profit / stop-loss (SWAP) is read from its algo
    // order; any other id, or a leg id no algo has (a close the monitor sent at market), is a plain order.
    findByClientId: async (ex, symbol, clientOrderId) => {
      const leg =
        marketType === "spot" ? await findOkxLeg(ex, symbol, clientOrderId) : ocoLegOf(clientOrderId) ? await findOkxCloseTrigger(ex, symbol, clientOrderId) : undefined;
      return leg === undefined ? fetchByClientId(ex, symbol, clientOrderId) : leg;
    },
    orderHistory: okxOrderHistory,
    cancelAll: async (ex, symbol, open) => (await cancelOkxOrders(ex, symbol, open)).length,
    // OKX acknowledges a cancel with the ids only: the order is read back for what it filled.
    readCanceled: (ex, id, symbol) => ex.fetchOrder(id, symbol),
    ...(marketType === "spot"
      ? { placeOco: placeOkxOco, cancelTrigger: cancelOkxAlgo, cancelAllTriggers: cancelOkxAlgos }
      : {
          // SWAP: the position's take-profit and stop-loss as one-sided reduce-only conditional algo orders
          // (ccxt's stopLossPrice / takeProfitPrice: slTriggerPx or tpTriggerPx, order price -1: market),
          // kept by OKX under our id as `algoClOrdId`, so they fire with our servers down. One that fires
          // with the position gone fails at OKX; the engine cancels what is left.
          closeTriggers: true,
          closeTriggerParams: (_trigger, clientOrderId) => ({ reduceOnly: true, algoClOrdId: clientOrderId }),
          cancelTrigger: cancelOkxAlgo,
          cancelAllTriggers: (ex, symbol) => cancelOkxAlgos(ex, symbol, "conditional"),
        }),
    keyPermissions: PERMISSION_READERS.okx,
  };
}
