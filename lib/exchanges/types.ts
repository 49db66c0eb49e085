/** One interface for every venue: ccxt-backed exchanges and the paper exchange. Amounts are decimal strings. */

export type ExchangeId = "binance" | "bybit" | "okx" | "bitget" | "paper";
export type MarketType = "spot" | "swap";
export type OrderSide = "buy" | "sell";
export type OrderType = "market" | "limit";
export type OrderStatus = "open" | "partially_filled" | "filled" | "canceled" | "rejected" | "expired";

export interface Market {
  symbol: string; // ccxt style: BTC/USDT, or BTC/USDT:USDT for a USDT perpetual
  id: string; // the exchange's own id: BTCUSDT
  base: string;
  quote: string;
  type: MarketType;
  amountStep: string;
  priceStep: string;
  minAmount: string | null;
  maxAmount: string | null;
  minCost: string | null;
  contractSize: string | null;
}

export interface BalanceLine {
  asset: string;
  free: string;
  used: string;
  total: string;
}

export interface Ticker {
  symbol: string;
  last: string;
  bid: string | null;
  ask: string | null;
  timestamp: number;
}

/** Candle intervals the price chart offers (ccxt timeframe names). */
export const CANDLE_TIMEFRAMES = ["1m", "15m", "1h", "4h", "1d"] as const;
export type CandleTimeframe = (typeof CANDLE_TIMEFRAMES)[number];

/** One OHLCV candle: `time` is the candle's open in ms since the epoch; prices and volume are decimal strings. */
export interface Candle {
  time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export interface ExchangeOrder {
  id: string;
  clientOrderId: string | null;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  status: OrderStatus;
  amount: string;
  price: string | null;
  filled: string;
  average: string | null;
  cost: string;
  /** The fee when the order paid it in one currency; with several, `fees` lists them and this is null. */
  fee: { cost: string; currency: string } | null;
  /** Every currency the order's fills paid fees in (one fill in BNB, the next in the asset received). */
  fees?: { cost: string; currency: string }[];
  /** When its latest fill happened, where the venue says. */
  lastTradeTimestamp?: number;
  /** Its fills one by one (when, how much, the fees each paid), where the venue's trades were read. */
  trades?: { timestamp: number; amount: string; fees: { cost: string; currency: string }[] }[];
  /** The venue keeps fees with the trades, and those could not be read just now. */
  feeUnread?: boolean;
  timestamp: number;
}

export interface CreateOrderRequest {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  amount: string;
  price?: string;
  clientOrderId: string;
  /** The price a market order is expected to fill near (the signal's price); the paper exchange uses it. */
  referencePrice?: string;
  /** A stop-loss-limit sell: rests on the exchange until the price falls to this, then becomes the limit at `price`. */
  stopPrice?: string;
  /** Perpetuals: the order may only shrink the position (every exit). */
  reduceOnly?: boolean;
  /**
   * Perpetuals: a conditional market order that closes the whole position on its side when the price
   * crosses `price` (Binance USDT-M STOP_MARKET / TAKE_PROFIT_MARKET with closePosition), kept by the venue.
   */
  closeTrigger?: { kind: "stop_loss" | "take_profit"; price: string };
}

/**
 * A sell that protects a position on the exchange itself, so it fires even when our servers are down: a
 * take-profit limit above and a stop-loss-limit below sharing one quantity (one cancels the other).
 */
export interface OcoRequest {
  symbol: string;
  amount: string;
  takeProfitPrice: string;
  stopPrice: string;
  stopLimitPrice: string;
  listClientOrderId: string;
  takeProfitClientOrderId: string;
  stopClientOrderId: string;
}

/** What the venue says an API key may do; each null when its answer does not tell. */
export interface KeyPermissions {
  /** The key may withdraw funds (such keys are refused). */
  withdrawals: boolean | null;
  /** The key may place orders on the client's market type (spot, or USDT perpetuals). */
  trading: boolean | null;
  /** The key works only from allow-listed IP addresses. */
  ipRestricted: boolean | null;
}

/** One open USDT-perpetual position as the venue reports it (sizes in contracts; base = contracts × contractSize). */
export interface PositionLine {
  symbol: string;
  side: "long" | "short";
  contracts: string;
  contractSize: string;
  entryPrice: string | null;
  unrealizedPnl: string | null;
  leverage: string | null;
  marginMode: "isolated" | "cross" | null;
}

/** One funding payment: positive when received, negative when paid. */
export interface FundingLine {
  id: string;
  symbol: string;
  amount: string;
  currency: string;
  timestamp: number;
}

export interface ExchangeClient {
  readonly exchange: ExchangeId;
  readonly marketType: MarketType;
  markets(): Promise<Market[]>;
  market(symbol: string): Promise<Market>;
  /** `sharedFor`: one read serves every caller naming the same key (a signal's fan-out), on every server, for a few seconds. */
  balance(opts?: { sharedFor?: string }): Promise<BalanceLine[]>;
  /** `fresh`: asked of the venue now (a decision on the price), not read from the few seconds' shared cache. */
  ticker(symbol: string, opts?: { fresh?: boolean }): Promise<Ticker>;
  tickers(symbols: string[]): Promise<Ticker[]>;
  /** The latest `limit` candles of `symbol`, oldest first (ccxt's fetchOHLCV; the paper market's own price path on paper). */
  ohlcv(symbol: string, timeframe: CandleTimeframe, limit?: number): Promise<Candle[]>;
  createOrder(request: CreateOrderRequest): Promise<ExchangeOrder>;
  /** `trigger`: the order is a conditional (algo) one, which the venue keeps and cancels apart. */
  cancelOrder(id: string, symbol: string, opts?: { trigger?: boolean }): Promise<ExchangeOrder>;
  cancelAllOrders(symbol: string): Promise<number>;
  openOrders(symbol?: string): Promise<ExchangeOrder[]>;
  orderHistory(opts: { symbol: string; limit?: number }): Promise<ExchangeOrder[]>;
  findOrderByClientId(clientOrderId: string, symbol: string): Promise<ExchangeOrder | null>;
  /** The key's own permissions, from the venue's key-info endpoint; throws an ExchangeError when unread. */
  keyPermissions(): Promise<KeyPermissions>;
  /** Open positions of a USDT-perpetual (swap) client; absent on spot-only clients. */
  positions?(symbols?: string[]): Promise<PositionLine[]>;
  /** Perpetuals: the leverage (1..125) the venue applies to the symbol's next orders, for that margin mode (OKX keeps one per mode). */
  setLeverage?(symbol: string, leverage: number, marginMode: "isolated" | "cross"): Promise<void>;
  /** Perpetuals: isolated or cross margin for the symbol; a venue already in that mode is not an error. */
  setMarginMode?(symbol: string, mode: "isolated" | "cross"): Promise<void>;
  /** Perpetuals: funding payments since `since` (ms), newest last; `symbols`: those the account trades (Bitget answers per symbol only). */
  fundingHistory?(opts: { symbol?: string; symbols?: string[]; since?: number }): Promise<FundingLine[]>;
  /** True where the venue keeps conditional closePosition orders for perpetuals (`CreateOrderRequest.closeTrigger`; Binance USDT-M). */
  readonly closeTriggers?: boolean;
  /** True where the venue keeps stop-loss-limit sells itself (`CreateOrderRequest.stopPrice`; Binance spot). */
  readonly nativeStops?: boolean;
  /** Present where the venue has native OCO sells (Binance spot). */
  createOco?(request: OcoRequest): Promise<{ takeProfit: ExchangeOrder; stop: ExchangeOrder }>;
}

/** Our small set of failures, each with a message a trader understands (messages live in i18n). */
export type ExchangeErrorCode =
  | "auth"
  | "permission"
  | "insufficient_funds"
  | "invalid_order"
  | "order_not_found"
  | "rate_limited"
  | "network"
  | "exchange_down"
  | "no_price"
  | "unknown";

export class ExchangeError extends Error {
  constructor(
    public readonly code: ExchangeErrorCode,
    message: string,
    public readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ExchangeError";
  }
}

/**
 * After these, an order may or may not exist on the exchange (Binance: a 5xx "execution status is
 * UNKNOWN"): look it up by client order id, never send it again blindly.
 */
export function isUnknownOutcome(error: unknown): boolean {
  return error instanceof ExchangeError && (error.code === "network" || error.code === "exchange_down" || error.code === "unknown");
}

/** Refusals computed before anything is sent. */
export type OrderRefusal =
  | { reason: "amount_too_small"; min: string }
  | { reason: "amount_too_large"; max: string }
  | { reason: "cost_too_small"; min: string }
  | { reason: "price_required" }
  | { reason: "not_positive" };
