import type { Exchange, MarketInterface as CcxtMarket, Order as CcxtOrder } from "ccxt";
import { PERMISSION_READERS } from "../permission-readers";
import type { MarketType, OcoRequest } from "../types";
import type { VenueProfile } from "./types";
import { cancelAllUnified, fetchByClientId } from "./unified";
import { ocoLegOf } from "./oco-ids";

const notFound = (error: unknown) => /-2013|-2011|does not exist|Unknown order/i.test(error instanceof Error ? error.message : String(error));

/**
 * USDT-M: our protective orders (ids from `ocoLegIds`) are conditional ones of the Algo Service, found by
 * `clientAlgoId`. Once fired, the algo order names the market order it became (`actualOrderId`): that
 * order, under our client id, carries the fill (and its trades the fee).
 */
async function findFuturesOrder(ex: Exchange, symbol: string, clientOrderId: string): Promise<CcxtOrder | null> {
  if (!ocoLegOf(clientOrderId)) return fetchByClientId(ex, symbol, clientOrderId);
  let algo: CcxtOrder;
  try {
    algo = await ex.fetchOrder(undefined as unknown as string, symbol, { clientOrderId, trigger: true });
  } catch (error) {
    if (notFound(error)) return null;
    throw error;
  }
  const actualId = String((algo.info as { actualOrderId?: unknown } | undefined)?.actualOrderId ?? "");
  if (!actualId || actualId === "0") return { ...algo, filled: 0, clientOrderId };
  const actual = await ex.fetchOrder(actualId, symbol);
  return { ...actual, clientOrderId };
}

/** Binance's own spot OCO endpoint (ccxt has no unified spot OCO); amounts and prices already at precision. */
async function sendOco(ex: Exchange, m: CcxtMarket, request: OcoRequest): Promise<Record<string, unknown>[]> {
  const raw = (ex as unknown as { privatePostOrderListOco: (p: Record<string, string>) => Promise<{ orderReports?: unknown[] }> }).privatePostOrderListOco;
  const answer = await raw.call(ex, {
    symbol: m.id ?? request.symbol.replace("/", ""),
    side: "SELL",
    quantity: request.amount,
    listClientOrderId: request.listClientOrderId,
    aboveType: "LIMIT_MAKER",
    abovePrice: request.takeProfitPrice,
    aboveClientOrderId: request.takeProfitClientOrderId,
    belowType: "STOP_LOSS_LIMIT",
    belowStopPrice: request.stopPrice,
    belowPrice: request.stopLimitPrice,
    belowTimeInForce: "GTC",
    belowClientOrderId: request.stopClientOrderId,
    newOrderRespType: "FULL",
  });
  return (answer.orderReports ?? []) as Record<string, unknown>[];
}

export function binanceProfile(marketType: MarketType): VenueProfile {
  return {
    options: { fetchMarkets: { types: [marketType === "swap" ? "linear" : "spot"] } },
    findByClientId: marketType === "swap" ? findFuturesOrder : fetchByClientId,
    orderHistory: (ex, symbol, limit) => ex.fetchOrders(symbol, undefined, limit),
    cancelAll: cancelAllUnified,
    ...(marketType === "spot" ? { sendOco } : {}),
    ...(marketType === "swap"
      ? {
          closeTriggers: true,
          cancelTrigger: async (ex: Exchange, id: string, symbol: string) => {
            await ex.cancelOrder(id, symbol, { trigger: true });
          },
          cancelAllTriggers: async (ex: Exchange, symbol: string) => {
            const open = await ex.fetchOpenOrders(symbol, undefined, undefined, { trigger: true });
            if (open.length > 0) await ex.cancelAllOrders(symbol, { trigger: true });
            return open.length;
          },
        }
      : {}),
    // ccxt's fetchOrderTrades is spot-only on Binance; USDT-M fills (with their commission) by order id.
    ...(marketType === "swap" ? { orderTrades: (ex: Exchange, id: string, symbol: string) => ex.fetchMyTrades(symbol, undefined, undefined, { orderId: id }) } : {}),
    keyPermissions: PERMISSION_READERS.binance,
  };
}
