import type { Exchange, MarketInterface as CcxtMarket, Order as CcxtOrder, Trade as CcxtTrade } from "ccxt";
import type { ImplicitApi } from "../permission-readers";
import type { CreateOrderRequest, KeyPermissions, Market, MarketType, OcoRequest, Ticker } from "../types";

/**
 * What one venue does differently from ccxt's unified calls, for one market type. The adapter wraps every
 * call here in its error mapping and turns the ccxt orders it gets back into ours.
 */
export interface VenueProfile {
  /** ccxt options on top of the common ones (which market types to load, account mode). */
  readonly options: Record<string, unknown>;
  /** Seconds to wait after a rate limit, from the venue's own header, where it has one. */
  retryAfter?(headers: Record<string, string> | undefined): string | null;
  findByClientId(ex: Exchange, symbol: string, clientOrderId: string): Promise<CcxtOrder | null>;
  orderHistory(ex: Exchange, symbol: string, limit: number): Promise<CcxtOrder[]>;
  /** Cancels the given open orders of a symbol; answers how many were canceled. */
  cancelAll(ex: Exchange, symbol: string, open: CcxtOrder[]): Promise<number>;
  /** Reads a canceled order back where the venue acknowledges a cancel with the ids only. */
  readCanceled?(ex: Exchange, id: string, symbol: string): Promise<CcxtOrder | null>;
  /** An order's fills, where ccxt's own `fetchOrderTrades` is missing. */
  orderTrades?(ex: Exchange, id: string, symbol: string): Promise<CcxtTrade[]>;
  /** What a market buy spends, where the venue sizes it in the quote coin. */
  marketBuyCost?(request: CreateOrderRequest, lookup: MarketLookup): Promise<string>;
  /** Sends a native OCO sell and answers its legs as the venue reported them (venues that keep stops). */
  sendOco?(ex: Exchange, market: CcxtMarket, request: OcoRequest): Promise<Record<string, unknown>[]>;
  /**
   * Places a take-profit / stop-loss pair the venue keeps itself (trigger, algo or plan orders) and
   * answers both legs, each under its own client order id from the request.
   */
  placeOco?(ex: Exchange, market: CcxtMarket, request: OcoRequest): Promise<CcxtOrder[]>;
  /** Cancels a trigger (algo, plan) order by its id, where the venue keeps those apart from plain orders. */
  cancelTrigger?(ex: Exchange, id: string, symbol: string): Promise<void>;
  /** Cancels a symbol's open trigger orders; answers how many. */
  cancelAllTriggers?(ex: Exchange, symbol: string): Promise<number>;
  /** The venue keeps conditional closePosition orders for perpetuals (`CreateOrderRequest.closeTrigger`). */
  closeTriggers?: boolean;
  /**
   * ccxt's parameters for such a conditional close (besides the client order id), where they are not
   * Binance USDT-M's (`closePosition` with GTE_GTC): e.g. Bybit's reduce-only conditional market order;
   * OKX's algo order also takes the client order id under its own name (`algoClOrdId`).
   */
  closeTriggerParams?(trigger: NonNullable<CreateOrderRequest["closeTrigger"]>, clientOrderId: string): Record<string, unknown>;
  keyPermissions(ex: ImplicitApi, marketType: MarketType): Promise<KeyPermissions>;
}

export interface MarketLookup {
  market(symbol: string): Promise<Market>;
  ticker(symbol: string): Promise<Ticker>;
}
