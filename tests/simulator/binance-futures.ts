import Decimal from "decimal.js";
import { PerpDesk, PerpRefusal, type PerpOrder, type PerpRefusalKind } from "./perp-desk";

/**
 * Binance USDT-M futures (`/fapi/*`) for the Binance simulator, on the shared perpetual desk
 * (tests/simulator/perp-desk.ts): one-way positions (`positionSide` BOTH), market and limit orders under
 * `newClientOrderId` with `reduceOnly`, leverage and margin type per symbol, position risk, balance, user
 * trades and funding income — the calls ccxt's binance class makes for a swap client. This file is the
 * protocol: the checks in Binance's order, its codes, its answer shapes. Conditional orders of the Algo
 * Service (`/fapi/v1/algoOrder`: STOP_MARKET, TAKE_PROFIT_MARKET, closePosition, GTE_GTC) are the desk's
 * conditional orders; Binance numbers an algo apart from the market order it becomes when it fires (its
 * `actualOrderId`, the desk order's id, client id `autoclose-<algoId>`). GTE_GTC ones expire with the
 * position. Signatures are checked by the simulator before a private route is reached.
 */

export interface FuturesMarket {
  symbol: string;
  base: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  minNotional: string;
}

export const FUTURES_MARKETS: FuturesMarket[] = [
  { symbol: "BTCUSDT", base: "BTC", tickSize: "0.10", stepSize: "0.001", minQty: "0.001", minNotional: "100" },
  { symbol: "ETHUSDT", base: "ETH", tickSize: "0.01", stepSize: "0.001", minQty: "0.001", minNotional: "20" },
  { symbol: "DOGEUSDT", base: "DOGE", tickSize: "0.00001", stepSize: "1", minQty: "1", minNotional: "5" },
];
const FUTURES_PRICES: Record<string, string> = { BTCUSDT: "60000", ETHUSDT: "3000", DOGEUSDT: "0.1" };

export class FuturesError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const CODES: Record<PerpRefusalKind, [number, string]> = {
  unknown_market: [-1121, "Invalid symbol."],
  duplicate_client_id: [-4116, "ClientOrderId is duplicated."],
  reduce_only: [-2022, "ReduceOnly Order is rejected."],
  insufficient: [-2019, "Margin is insufficient."],
  not_found: [-2013, "Order does not exist."],
  finished: [-2011, "Unknown order sent."],
  bad_size: [-1111, "Precision is over the maximum defined for this asset."],
  bad_price: [-1111, "Precision is over the maximum defined for this asset."],
  bad_leverage: [-4028, "Leverage is not valid"],
  position_open: [-4048, "Margin type cannot be changed if there exists position."],
};

/** What Binance keeps of an algo order beside the desk's conditional order. */
interface AlgoMeta {
  algoId: number;
  orderType: "STOP_MARKET" | "TAKE_PROFIT_MARKET";
  timeInForce: string;
  /** The `reduceOnly` parameter as sent (closePosition orders are reduce-only by nature, not by flag). */
  reduceOnly: boolean;
}

/** An algo order as a test reads it: Binance's fields, over the desk order (`order`) it is. */
export interface AlgoView {
  algoId: number;
  clientAlgoId: string;
  symbol: string;
  side: "BUY" | "SELL";
  orderType: "STOP_MARKET" | "TAKE_PROFIT_MARKET";
  triggerPrice: Decimal;
  closePosition: boolean;
  timeInForce: string;
  readonly algoStatus: "NEW" | "CANCELED" | "FINISHED" | "EXPIRED";
  order: PerpOrder;
}

const s = (d: Decimal) => d.toFixed();
const SIDE = { buy: "BUY", sell: "SELL" } as const;
const STATUS = { open: "NEW", filled: "FILLED", canceled: "CANCELED" } as const;

function algoStatus(o: PerpOrder): AlgoView["algoStatus"] {
  if (o.status === "open") return "NEW";
  if (o.status === "filled") return "FINISHED";
  return o.expired ? "EXPIRED" : "CANCELED";
}

export class BinanceFutures {
  private nextId = 5_000_000;
  readonly desk = new PerpDesk(
    FUTURES_MARKETS.map((m) => ({ id: m.symbol, base: m.base, contractSize: "1", lotSize: m.stepSize, minSize: m.minQty, tickSize: m.tickSize, price: FUTURES_PRICES[m.symbol]! })),
    () => String(this.nextId++),
    { takerRate: "0.0004", makerRate: "0.0002", defaultLeverage: 20, uniqueClientIds: "live" },
  );
  private readonly meta = new WeakMap<PerpOrder, AlgoMeta>();
  private readonly rules = new Map(FUTURES_MARKETS.map((m) => [m.symbol, m]));

  reset() {
    this.desk.reset();
  }

  /** The price moves; resting limits and conditional orders it crosses execute (a test moving the price is the venue's price path). */
  setPrice(symbol: string, price: string) {
    this.desk.setPrice(symbol, price);
  }

  /** A funding payment (negative: paid) booked to the wallet and listed by `/fapi/v1/income`. */
  addFunding(apiKey: string, symbol: string, amount: string, time = Date.now()) {
    this.desk.addFunding(apiKey, symbol, amount, time);
  }

  /** Orders as Binance lists them: plain ones and the market orders fired algo orders became. */
  orders(apiKey: string): PerpOrder[] {
    return this.desk.account(apiKey).orders.filter((o) => !o.trigger || o.status === "filled");
  }

  algos(apiKey: string): AlgoView[] {
    return this.desk
      .account(apiKey)
      .orders.filter((o) => this.meta.has(o))
      .map((o) => {
        const meta = this.meta.get(o)!;
        // A live view: its status follows the desk order as the price moves.
        return {
          algoId: meta.algoId,
          clientAlgoId: o.clientId,
          symbol: o.market,
          side: SIDE[o.side],
          orderType: meta.orderType,
          triggerPrice: o.trigger!.price,
          closePosition: o.closePosition,
          timeInForce: meta.timeInForce,
          get algoStatus() {
            return algoStatus(o);
          },
          order: o,
        };
      });
  }

  publicRoute(method: string, path: string, q: URLSearchParams): unknown {
    if (method === "GET" && path === "/fapi/v1/ping") return {};
    if (method === "GET" && path === "/fapi/v1/time") return { serverTime: Date.now() };
    if (method === "GET" && path === "/fapi/v1/exchangeInfo") return this.exchangeInfo();
    // No price history here: a chart of a perpetual shows the current price only (one flat candle).
    if (method === "GET" && path === "/fapi/v1/klines") {
      const p = this.desk.prices.get(q.get("symbol") ?? "")?.toFixed();
      const t = Math.floor(Date.now() / 60_000) * 60_000;
      return p ? [[t, p, p, p, p, "0", t + 59_999, "0", 0, "0", "0", "0"]] : [];
    }
    if (method === "GET" && (path === "/fapi/v1/ticker/24hr" || path === "/fapi/v1/ticker/price")) {
      const symbol = q.get("symbol");
      const list = [...this.desk.prices].filter(([id]) => !symbol || id === symbol).map(([id, p]) => this.ticker(id, p));
      return symbol ? list[0] : list;
    }
    return undefined;
  }

  privateRoute(method: string, path: string, apiKey: string, params: URLSearchParams): unknown {
    try {
      return this.route(method, path, apiKey, params);
    } catch (error) {
      if (!(error instanceof PerpRefusal)) throw error;
      const [code, message] = CODES[error.kind];
      throw new FuturesError(400, code, message);
    }
  }

  private route(method: string, path: string, apiKey: string, params: URLSearchParams): unknown {
    const desk = this.desk;
    const symbol = params.get("symbol");
    switch (`${method} ${path}`) {
      case "POST /fapi/v1/leverage": {
        const leverage = Number(params.get("leverage"));
        desk.setLeverage(apiKey, this.market(symbol).symbol, leverage);
        return { leverage, maxNotionalValue: "1000000", symbol };
      }
      case "POST /fapi/v1/marginType": {
        const type = params.get("marginType");
        if (type !== "ISOLATED" && type !== "CROSSED") throw new FuturesError(400, -1116, "Invalid marginType.");
        const id = this.market(symbol).symbol;
        const mode = type === "ISOLATED" ? "isolated" : "cross";
        if (desk.settings(apiKey, id).marginMode === mode) throw new FuturesError(400, -4046, "No need to change margin type.");
        desk.setMarginMode(apiKey, id, mode);
        return { code: 200, msg: "success" };
      }
      case "POST /fapi/v1/order":
        return this.orderJson(this.newOrder(apiKey, params));
      case "GET /fapi/v1/order":
        return this.orderJson(this.findOrder(apiKey, params));
      case "DELETE /fapi/v1/order": {
        const o = this.findOrder(apiKey, params);
        return this.orderJson(desk.cancel(apiKey, o.market, { id: o.id }));
      }
      case "POST /fapi/v1/algoOrder":
        return this.algoJson(this.newAlgo(apiKey, params));
      case "GET /fapi/v1/algoOrder":
        return this.algoJson(this.findAlgo(apiKey, params));
      case "DELETE /fapi/v1/algoOrder": {
        const algo = this.findAlgo(apiKey, params);
        if (algo.status !== "open") throw new FuturesError(400, -2011, "Unknown order sent.");
        desk.cancel(apiKey, algo.market, { id: algo.id });
        return { algoId: this.meta.get(algo)!.algoId, clientAlgoId: algo.clientId, code: "200", msg: "success" };
      }
      case "GET /fapi/v1/openAlgoOrders":
        return this.algos(apiKey)
          .filter((a) => a.algoStatus === "NEW" && (!symbol || a.symbol === symbol))
          .map((a) => this.algoJson(a.order));
      case "DELETE /fapi/v1/algoOpenOrders": {
        for (const a of this.algos(apiKey)) if (a.symbol === symbol && a.algoStatus === "NEW") desk.cancel(apiKey, a.symbol, { id: a.order.id });
        return { code: 200, msg: "The operation of cancel all open order is done." };
      }
      case "GET /fapi/v1/openOrders":
        return this.orders(apiKey)
          .filter((o) => o.status === "open" && (!symbol || o.market === symbol))
          .map((o) => this.orderJson(o));
      case "GET /fapi/v1/allOrders":
        return this.orders(apiKey)
          .filter((o) => o.market === symbol)
          .map((o) => this.orderJson(o));
      case "GET /fapi/v1/userTrades": {
        const orderId = params.get("orderId");
        return desk
          .account(apiKey)
          .fills.filter((f) => f.market === symbol && (!orderId || f.orderId === orderId))
          .map((f) => ({
            symbol: f.market,
            id: Number(f.id),
            orderId: Number(f.orderId),
            side: SIDE[f.side],
            price: s(f.price),
            qty: s(f.qty),
            realizedPnl: s(f.pnl),
            marginAsset: "USDT",
            quoteQty: s(f.qty.mul(f.price)),
            commission: s(f.fee),
            commissionAsset: "USDT",
            time: f.time,
            positionSide: "BOTH",
            buyer: f.side === "buy",
            maker: f.maker,
          }));
      }
      case "GET /fapi/v3/positionRisk":
      case "GET /fapi/v2/positionRisk": {
        const account = desk.account(apiKey);
        const ids = new Set([...account.positions.keys(), ...account.settings.keys()]);
        return [...ids].filter((id) => !symbol || id === symbol).map((id) => this.positionJson(apiKey, id));
      }
      case "GET /fapi/v1/leverageBracket":
        return [...desk.markets.keys()].map((id) => ({
          symbol: id,
          notionalCoef: 1,
          brackets: [{ bracket: 1, initialLeverage: 125, notionalCap: 5_000_000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 }],
        }));
      case "GET /fapi/v3/account":
      case "GET /fapi/v2/account":
        return this.accountJson(apiKey);
      case "GET /fapi/v2/balance":
      case "GET /fapi/v3/balance": {
        const wallet = desk.account(apiKey).wallet;
        return [{ accountAlias: "sim", asset: "USDT", balance: s(wallet), availableBalance: s(desk.available(apiKey)), updateTime: Date.now() }];
      }
      case "GET /fapi/v1/income": {
        const type = params.get("incomeType");
        const start = Number(params.get("startTime") ?? 0);
        if (type && type !== "FUNDING_FEE") return [];
        return desk
          .account(apiKey)
          .bills.filter((b) => (!symbol || b.market === symbol) && b.time >= start)
          .map((b) => ({ symbol: b.market, incomeType: "FUNDING_FEE", income: s(b.amount), asset: "USDT", info: "FUNDING_FEE", time: b.time, tranId: Number(b.id), tradeId: "" }));
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------

  private market(symbol: string | null) {
    if (!symbol) throw new FuturesError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    const m = this.rules.get(symbol);
    if (!m) throw new FuturesError(400, -1121, "Invalid symbol.");
    return m;
  }

  private newOrder(apiKey: string, params: URLSearchParams): PerpOrder {
    const m = this.market(params.get("symbol"));
    const side = params.get("side");
    const type = params.get("type");
    if (side !== "BUY" && side !== "SELL") throw new FuturesError(400, -1117, "Invalid side.");
    if (type !== "MARKET" && type !== "LIMIT") throw new FuturesError(400, -1116, "Invalid orderType.");
    const qty = new Decimal(params.get("quantity") ?? "0");
    if (qty.lt(m.minQty) || !qty.div(m.stepSize).isInteger()) throw new FuturesError(400, -1111, "Precision is over the maximum defined for this asset.");
    if ((params.get("positionSide") ?? "BOTH") !== "BOTH") throw new FuturesError(400, -4061, "Order's position side does not match user's setting.");
    return this.desk.place(apiKey, {
      market: m.symbol,
      side: side === "BUY" ? "buy" : "sell",
      type: type === "MARKET" ? "market" : "limit",
      qty: s(qty),
      price: params.get("price") ?? undefined,
      clientId: params.get("newClientOrderId") ?? `sim${this.nextId}`,
      reduceOnly: params.get("reduceOnly") === "true",
    });
  }

  private newAlgo(apiKey: string, params: URLSearchParams): PerpOrder {
    const m = this.market(params.get("symbol"));
    if (params.get("algoType") !== "CONDITIONAL") throw new FuturesError(400, -1116, "Invalid algoType.");
    const side = params.get("side");
    const type = params.get("type");
    if (side !== "BUY" && side !== "SELL") throw new FuturesError(400, -1117, "Invalid side.");
    if (type !== "STOP_MARKET" && type !== "TAKE_PROFIT_MARKET") throw new FuturesError(400, -1116, "Invalid orderType.");
    const trigger = new Decimal(params.get("triggerPrice") ?? "0");
    if (trigger.lte(0) || !trigger.div(m.tickSize).isInteger()) throw new FuturesError(400, -1111, "Precision is over the maximum defined for this asset.");
    const closePosition = params.get("closePosition") === "true";
    const quantity = params.get("quantity");
    const reduceOnly = params.get("reduceOnly") === "true";
    if (closePosition && quantity) throw new FuturesError(400, -4137, "Quantity must be zero with closePosition equals true.");
    if (closePosition && reduceOnly) throw new FuturesError(400, -1106, "Parameter 'reduceonly' sent when not required.");
    if (!closePosition && !quantity) throw new FuturesError(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    const timeInForce = params.get("timeInForce") ?? "GTC";
    if (timeInForce === "GTE_GTC" && this.desk.position(apiKey, m.symbol).contracts.isZero()) throw new FuturesError(400, -4509, "TIF GTE can only be used with open positions or open orders.");
    const price = this.desk.prices.get(m.symbol)!;
    const rise = (type === "STOP_MARKET") === (side === "BUY");
    if (rise ? price.gte(trigger) : price.lte(trigger)) throw new FuturesError(400, -2021, "Order would immediately trigger.");
    const algoId = this.nextId++;
    const order = this.desk.place(apiKey, {
      market: m.symbol,
      side: side === "BUY" ? "buy" : "sell",
      type: "market",
      qty: quantity ?? "0",
      clientId: params.get("clientAlgoId") ?? `sim${algoId}`,
      reduceOnly,
      trigger: { price: s(trigger), direction: rise ? "rise" : "fall" },
      closePosition,
      endsWithPosition: timeInForce === "GTE_GTC",
    });
    this.meta.set(order, { algoId, orderType: type, timeInForce, reduceOnly });
    return order;
  }

  private findAlgo(apiKey: string, params: URLSearchParams): PerpOrder {
    const id = params.get("algoId");
    const clientId = params.get("clientAlgoId");
    // Several algo orders may share a client id once the earlier ones ended: the latest answers.
    const found = this.algos(apiKey).findLast((a) => (id ? String(a.algoId) === id : a.clientAlgoId === clientId));
    if (!found || (params.get("symbol") && found.symbol !== params.get("symbol"))) throw new FuturesError(400, -2013, "Order does not exist.");
    return found.order;
  }

  /** A plain order by id or client id; a fired algo order's market order by its id or `autoclose-<algoId>`. */
  private findOrder(apiKey: string, params: URLSearchParams): PerpOrder {
    const id = params.get("orderId");
    const clientId = params.get("origClientOrderId");
    const found = this.orders(apiKey).findLast((o) => o.market === params.get("symbol") && (id ? o.id === id : this.clientOrderId(o) === clientId));
    if (!found) throw new FuturesError(400, -2013, "Order does not exist.");
    return found;
  }

  private clientOrderId(o: PerpOrder) {
    const meta = this.meta.get(o);
    return meta ? `autoclose-${meta.algoId}` : o.clientId;
  }

  private exchangeInfo() {
    return {
      timezone: "UTC",
      serverTime: Date.now(),
      rateLimits: [],
      assets: [{ asset: "USDT", marginAvailable: true }],
      symbols: FUTURES_MARKETS.map((m) => ({
        symbol: m.symbol,
        pair: m.symbol,
        contractType: "PERPETUAL",
        deliveryDate: 4133404800000,
        onboardDate: 1569398400000,
        status: "TRADING",
        baseAsset: m.base,
        quoteAsset: "USDT",
        marginAsset: "USDT",
        pricePrecision: decimals(m.tickSize),
        quantityPrecision: decimals(m.stepSize),
        baseAssetPrecision: 8,
        quotePrecision: 8,
        underlyingType: "COIN",
        settlePlan: 0,
        triggerProtect: "0.0500",
        filters: [
          { filterType: "PRICE_FILTER", minPrice: m.tickSize, maxPrice: "1000000", tickSize: m.tickSize },
          { filterType: "LOT_SIZE", minQty: m.minQty, maxQty: "1000000", stepSize: m.stepSize },
          { filterType: "MARKET_LOT_SIZE", minQty: m.minQty, maxQty: "1000000", stepSize: m.stepSize },
          { filterType: "MIN_NOTIONAL", notional: m.minNotional },
        ],
        orderTypes: ["LIMIT", "MARKET", "STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"],
        timeInForce: ["GTC", "IOC", "FOK"],
      })),
    };
  }

  private ticker(symbol: string, price: Decimal) {
    return { symbol, lastPrice: price.toFixed(), price: price.toFixed(), openPrice: price.toFixed(), highPrice: price.toFixed(), lowPrice: price.toFixed(), volume: "0", quoteVolume: "0", closeTime: Date.now(), time: Date.now() };
  }

  private orderJson(o: PerpOrder) {
    const type = o.type === "market" ? "MARKET" : "LIMIT";
    return {
      orderId: Number(o.id),
      symbol: o.market,
      status: STATUS[o.status],
      clientOrderId: this.clientOrderId(o),
      price: o.type === "limit" ? s(o.price) : "0",
      avgPrice: o.filled.gt(0) ? s(o.value.div(o.filled)) : "0",
      origQty: s(o.qty),
      executedQty: s(o.filled),
      cumQty: s(o.filled),
      cumQuote: s(o.value),
      timeInForce: "GTC",
      type,
      reduceOnly: o.reduceOnly,
      closePosition: false,
      side: SIDE[o.side],
      positionSide: "BOTH",
      stopPrice: "0",
      workingType: "CONTRACT_PRICE",
      priceProtect: false,
      origType: type,
      time: o.createdAt,
      updateTime: o.updatedAt,
    };
  }

  private algoJson(o: PerpOrder) {
    const meta = this.meta.get(o)!;
    const fired = o.status === "filled";
    return {
      algoId: meta.algoId,
      clientAlgoId: o.clientId,
      algoType: "CONDITIONAL",
      orderType: meta.orderType,
      symbol: o.market,
      side: SIDE[o.side],
      positionSide: "BOTH",
      timeInForce: meta.timeInForce,
      quantity: o.closePosition ? "0" : s(o.qty),
      algoStatus: algoStatus(o),
      actualOrderId: fired ? o.id : "",
      actualPrice: fired ? s(o.value.div(o.filled)) : "0",
      triggerPrice: s(o.trigger!.price),
      price: "0",
      icebergQuantity: null,
      selfTradePreventionMode: "EXPIRE_MAKER",
      workingType: "CONTRACT_PRICE",
      priceMatch: "NONE",
      closePosition: o.closePosition,
      priceProtect: false,
      reduceOnly: meta.reduceOnly,
      createTime: o.createdAt,
      updateTime: o.updatedAt,
      triggerTime: o.trigger!.fired ? o.updatedAt : 0,
      goodTillDate: 0,
    };
  }

  private positionJson(apiKey: string, id: string) {
    const p = this.desk.position(apiKey, id);
    const settings = this.desk.settings(apiKey, id);
    const mark = this.desk.prices.get(id) ?? p.entryPrice;
    const notional = p.contracts.mul(mark);
    const isolated = settings.marginMode === "isolated" ? p.contracts.abs().mul(p.entryPrice).div(settings.leverage) : new Decimal(0);
    return {
      symbol: id,
      positionSide: "BOTH",
      positionAmt: s(p.contracts),
      entryPrice: s(p.entryPrice),
      breakEvenPrice: s(p.entryPrice),
      markPrice: s(mark),
      unRealizedProfit: s(this.desk.unrealized(apiKey, id)),
      liquidationPrice: "0",
      isolatedMargin: s(isolated),
      notional: s(notional),
      marginAsset: "USDT",
      isolatedWallet: s(isolated),
      initialMargin: s(notional.abs().div(settings.leverage)),
      maintMargin: "0",
      positionInitialMargin: s(notional.abs().div(settings.leverage)),
      openOrderInitialMargin: "0",
      adl: 0,
      bidNotional: "0",
      askNotional: "0",
      updateTime: p.updatedAt,
    };
  }

  private accountJson(apiKey: string) {
    const wallet = this.desk.account(apiKey).wallet;
    const available = this.desk.available(apiKey);
    const margin = this.desk.usedMargin(apiKey);
    return {
      totalInitialMargin: s(margin),
      totalWalletBalance: s(wallet),
      availableBalance: s(available),
      assets: [
        {
          asset: "USDT",
          walletBalance: s(wallet),
          unrealizedProfit: "0",
          marginBalance: s(wallet),
          initialMargin: s(margin),
          availableBalance: s(available),
          maxWithdrawAmount: s(available),
          updateTime: Date.now(),
        },
      ],
      positions: [],
    };
  }
}

function decimals(step: string) {
  return new Decimal(step).decimalPlaces();
}
