import type { Exchange, MarketInterface as CcxtMarket } from "ccxt";
import { PERMISSION_READERS } from "../permission-readers";
import type { MarketType, OcoRequest } from "../types";
import type { VenueProfile } from "./types";
import { cancelAllUnified, fetchByClientId } from "./unified";

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
    findByClientId: fetchByClientId,
    orderHistory: (ex, symbol, limit) => ex.fetchOrders(symbol, undefined, limit),
    cancelAll: cancelAllUnified,
    ...(marketType === "spot" ? { sendOco } : {}),
    // ccxt's fetchOrderTrades is spot-only on Binance; USDT-M fills (with their commission) by order id.
    ...(marketType === "swap" ? { orderTrades: (ex: Exchange, id: string, symbol: string) => ex.fetchMyTrades(symbol, undefined, undefined, { orderId: id }) } : {}),
    keyPermissions: PERMISSION_READERS.binance,
  };
}
