import type { Exchange, Order as CcxtOrder, Trade as CcxtTrade } from "ccxt";
import Decimal from "decimal.js";
import { mapCcxtError } from "../ccxt-errors";
import { PERMISSION_READERS } from "../permission-readers";
import { floorToStep } from "../precision";
import type { CreateOrderRequest, MarketType, OcoRequest } from "../types";
import { ExchangeError } from "../types";
import { cancelBitgetMixPlan, cancelBitgetPlan, cancelBitgetPlans, findBitgetMixPlan, findBitgetPlan, placeBitgetPair } from "./bitget-plan";
import { ocoLegOf } from "./oco-ids";
import type { MarketLookup, VenueProfile } from "./types";

/** Bitget v2 answers at most 100 orders a page on `/api/v2/spot/trade/history-orders`. */
const PAGE = 100;

/**
 * What a spot market buy of `amount` base spends on Bitget, whose market buy is sized in the quote coin
 * (ccxt refuses one without a price: `createMarketBuyOrderRequiresPrice`). The amount times the price we
 * know — the signal's, else the ask — cut down to the market's price step, as ccxt's `costToPrecision`
 * would, so what ccxt sends is this exact decimal and never more than the amount at that price.
 */
async function bitgetMarketBuyCost(request: CreateOrderRequest, lookup: MarketLookup): Promise<string> {
  const market = await lookup.market(request.symbol);
  let price = request.referencePrice;
  if (!price) {
    const ticker = await lookup.ticker(request.symbol);
    price = ticker.ask ?? ticker.last;
  }
  const cost = floorToStep(new Decimal(request.amount).mul(price), market.priceStep);
  if (new Decimal(cost).lte(0)) throw new ExchangeError("invalid_order", `A market buy of ${request.amount} ${request.symbol} at ${price} spends nothing`);
  return cost;
}

/**
 * One Bitget spot order by our client order id (`clientOid`). Order info answers a `clientOid` only while
 * the order is unfilled (Bitget's guide), so a finished one is looked for in the latest page of history
 * orders — an order that fills between the two reads is still found, since it can only move from the
 * first to the second.
 */
async function findBitgetOrder(ex: Exchange, symbol: string, clientOid: string): Promise<CcxtOrder | null> {
  try {
    return await ex.fetchOrder(undefined as unknown as string, symbol, { clientOrderId: clientOid });
  } catch (error) {
    if (mapCcxtError(error).code !== "order_not_found") throw error;
  }
  const finished = await ex.fetchCanceledAndClosedOrders(symbol, undefined, PAGE);
  return finished.find((o) => o.clientOrderId === clientOid) ?? null;
}

/** Open and finished orders of a symbol (ccxt has no single "all orders" list for Bitget). */
async function bitgetOrderHistory(ex: Exchange, symbol: string, limit: number): Promise<CcxtOrder[]> {
  const page = Math.min(limit, PAGE);
  const [open, finished] = await Promise.all([ex.fetchOpenOrders(symbol, undefined, page), ex.fetchCanceledAndClosedOrders(symbol, undefined, page)]);
  return [...open, ...finished];
}

/** An order's fills with their fees (`/api/v2/spot/trade/fills?orderId=`; ccxt has no fetchOrderTrades here). */
function bitgetOrderTrades(ex: Exchange, id: string, symbol: string): Promise<CcxtTrade[]> {
  return ex.fetchMyTrades(symbol, undefined, undefined, { orderId: id });
}

export function bitgetProfile(marketType: MarketType): VenueProfile {
  return {
    // A classic (v2) account, said up front — left unsaid, ccxt asks `/api/v3/account/settings` on every new
    // client to find out, one more private call each time — and only the market type the client trades
    // (ccxt would otherwise load spot and six futures product lists).
    options: { uta: false, fetchMarkets: { types: [marketType === "swap" ? "swap" : "spot"] } },
    // A leg of a native pair (spot) or a position's take-profit / stop-loss (perpetuals) is a plan order;
    // any other id is a plain order. A perpetual's level already crossed when placed is closed by a plain
    // market order under the leg's id: looked for among plain orders when no plan has it.
    findByClientId: async (ex, symbol, clientOid) => {
      if (!ocoLegOf(clientOid)) return findBitgetOrder(ex, symbol, clientOid);
      if (marketType === "spot") return findBitgetPlan(ex, symbol, clientOid);
      return (await findBitgetMixPlan(ex, symbol, clientOid)) ?? findBitgetOrder(ex, symbol, clientOid);
    },
    orderHistory: bitgetOrderHistory,
    // Bitget's cancel-symbol-order answers the symbol only (ccxt wraps it in a list of one).
    cancelAll: async (ex, symbol, open) => {
      await ex.cancelAllOrders(symbol);
      return open.length;
    },
    // Bitget acknowledges a cancel with the ids only: the order is read back by its id.
    readCanceled: (ex, id, symbol) => ex.fetchOrder(id, symbol),
    orderTrades: bitgetOrderTrades,
    ...(marketType === "spot"
      ? {
          marketBuyCost: bitgetMarketBuyCost,
          placeOco: (ex: Exchange, _m: unknown, request: OcoRequest) => placeBitgetPair(ex, request),
          cancelTrigger: cancelBitgetPlan,
          cancelAllTriggers: cancelBitgetPlans,
        }
      : {
          // USDT perpetuals: the position's take-profit and stop-loss as reduce-only plan orders (ccxt's
          // `triggerPrice` on a swap: `place-plan-order`, normal_plan), a market close once the last price
          // reaches the level, kept by Bitget under our clientOid so they fire with our servers down (one
          // whose position is gone is canceled by the engine). The adapter's stopLossPrice / takeProfitPrice
          // are taken out: on a swap ccxt sends those as a position TP/SL (`place-tpsl-order`, pos_profit /
          // pos_loss), which closes whatever the position holds and is listed apart (`planType=profit_loss`).
          closeTriggers: true,
          closeTriggerParams: (trigger: NonNullable<CreateOrderRequest["closeTrigger"]>) => ({
            stopLossPrice: undefined,
            takeProfitPrice: undefined,
            triggerPrice: trigger.price,
            triggerType: "fill_price",
            reduceOnly: true,
          }),
          cancelTrigger: cancelBitgetMixPlan,
          cancelAllTriggers: cancelBitgetPlans,
        }),
    keyPermissions: PERMISSION_READERS.bitget,
  };
}
