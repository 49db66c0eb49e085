import Decimal from "decimal.js";

/**
 * Binance USDT-M futures (`/fapi/*`) for the Binance simulator: perpetual markets, one-way positions
 * (`positionSide` BOTH), market and limit orders with `reduceOnly`, leverage and margin type per symbol,
 * position risk, balance, user trades and funding income — the calls ccxt's binance class makes for a
 * swap client. Market orders fill at once at the symbol's price; limit orders rest. Conditional orders
 * (`/fapi/v1/algoOrder`: STOP_MARKET, TAKE_PROFIT_MARKET, closePosition, GTE_GTC) wait for `setPrice` to
 * cross them, then become a market order (`actualOrderId`); GTE_GTC ones expire when the position closes.
 * Signatures are checked by the simulator before a private route is reached.
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
const TAKER = new Decimal("0.0004");

export class FuturesError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Position {
  amount: Decimal; // signed
  entryPrice: Decimal;
  leverage: number;
  marginType: "ISOLATED" | "CROSSED";
  updateTime: number;
}

export interface FuturesOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: "BUY" | "SELL";
  type: "MARKET" | "LIMIT";
  price: Decimal;
  origQty: Decimal;
  executedQty: Decimal;
  cumQuote: Decimal;
  reduceOnly: boolean;
  status: "NEW" | "FILLED" | "CANCELED";
  time: number;
  updateTime: number;
}

/** A conditional order of the Algo Service (`/fapi/v1/algoOrder`): it waits, reserving nothing, until its trigger is crossed. */
export interface AlgoOrder {
  algoId: number;
  clientAlgoId: string;
  symbol: string;
  side: "BUY" | "SELL";
  orderType: "STOP_MARKET" | "TAKE_PROFIT_MARKET";
  triggerPrice: Decimal;
  quantity: Decimal | null;
  closePosition: boolean;
  reduceOnly: boolean;
  timeInForce: string;
  algoStatus: "NEW" | "CANCELED" | "FINISHED" | "EXPIRED";
  actualOrderId: number | null;
  createTime: number;
  updateTime: number;
  triggerTime: number;
}

interface FuturesTrade {
  id: number;
  orderId: number;
  symbol: string;
  side: "BUY" | "SELL";
  price: Decimal;
  qty: Decimal;
  realizedPnl: Decimal;
  commission: Decimal;
  time: number;
}

interface Income {
  tranId: number;
  symbol: string;
  incomeType: "FUNDING_FEE";
  income: Decimal;
  time: number;
}

export interface FuturesAccount {
  wallet: Decimal;
  positions: Map<string, Position>;
  orders: FuturesOrder[];
  algos: AlgoOrder[];
  trades: FuturesTrade[];
  income: Income[];
}

export class BinanceFuturesDesk {
  readonly markets = new Map(FUTURES_MARKETS.map((m) => [m.symbol, m]));
  readonly prices = new Map<string, Decimal>();
  readonly accounts = new Map<string, FuturesAccount>();
  private nextId = 5_000_000;

  constructor() {
    this.reset();
  }

  reset() {
    this.prices.clear();
    for (const [s, p] of Object.entries(FUTURES_PRICES)) this.prices.set(s, new Decimal(p));
    this.accounts.clear();
  }

  /** The price moves; conditional orders it crosses fire (a test moving the price is the venue's price path). */
  setPrice(symbol: string, price: string) {
    const p = new Decimal(price);
    this.prices.set(symbol, p);
    for (const [apiKey, a] of this.accounts) {
      for (const algo of a.algos) {
        if (algo.symbol !== symbol || algo.algoStatus !== "NEW") continue;
        const up = (algo.orderType === "STOP_MARKET") === (algo.side === "BUY");
        if (up ? p.gte(algo.triggerPrice) : p.lte(algo.triggerPrice)) this.trigger(apiKey, a, algo);
      }
    }
  }

  /**
   * A conditional order fires: a market order goes to the matching engine (its id is the algo order's
   * `actualOrderId`). A closePosition order closes what is held on its side; with nothing there it ends.
   */
  private trigger(apiKey: string, a: FuturesAccount, algo: AlgoOrder) {
    const p = this.position(apiKey, algo.symbol);
    const now = Date.now();
    algo.triggerTime = now;
    algo.updateTime = now;
    const closing = algo.side === "SELL" ? p.amount.gt(0) : p.amount.lt(0);
    const qty = algo.closePosition ? (closing ? p.amount.abs() : new Decimal(0)) : Decimal.min(algo.quantity ?? 0, algo.reduceOnly ? (closing ? p.amount.abs() : 0) : Infinity);
    if (qty.lte(0)) {
      algo.algoStatus = "EXPIRED";
      return;
    }
    const order: FuturesOrder = {
      orderId: this.nextId++,
      clientOrderId: `autoclose-${algo.algoId}`,
      symbol: algo.symbol,
      side: algo.side,
      type: "MARKET",
      price: new Decimal(0),
      origQty: qty,
      executedQty: new Decimal(0),
      cumQuote: new Decimal(0),
      reduceOnly: true,
      status: "NEW",
      time: now,
      updateTime: now,
    };
    algo.actualOrderId = order.orderId;
    algo.algoStatus = "FINISHED";
    a.orders.push(order);
    this.fill(a, p, order, this.prices.get(algo.symbol)!);
  }

  account(apiKey: string): FuturesAccount {
    let a = this.accounts.get(apiKey);
    if (!a) {
      a = { wallet: new Decimal(10_000), positions: new Map(), orders: [], algos: [], trades: [], income: [] };
      this.accounts.set(apiKey, a);
    }
    return a;
  }

  /** A funding payment (negative: paid) booked to the wallet and listed by `/fapi/v1/income`. */
  addFunding(apiKey: string, symbol: string, amount: string, time = Date.now()) {
    const a = this.account(apiKey);
    const income = new Decimal(amount);
    a.wallet = a.wallet.add(income);
    a.income.push({ tranId: this.nextId++, symbol, incomeType: "FUNDING_FEE", income, time });
  }

  position(apiKey: string, symbol: string): Position {
    const a = this.account(apiKey);
    let p = a.positions.get(symbol);
    if (!p) {
      p = { amount: new Decimal(0), entryPrice: new Decimal(0), leverage: 20, marginType: "CROSSED", updateTime: 0 };
      a.positions.set(symbol, p);
    }
    return p;
  }

  publicRoute(method: string, path: string, q: URLSearchParams): unknown {
    if (method === "GET" && path === "/fapi/v1/ping") return {};
    if (method === "GET" && path === "/fapi/v1/time") return { serverTime: Date.now() };
    if (method === "GET" && path === "/fapi/v1/exchangeInfo") return this.exchangeInfo();
    // No price history here: a chart of a perpetual shows the current price only (one flat candle).
    if (method === "GET" && path === "/fapi/v1/klines") {
      const p = this.prices.get(q.get("symbol") ?? "")?.toFixed();
      const t = Math.floor(Date.now() / 60_000) * 60_000;
      return p ? [[t, p, p, p, p, "0", t + 59_999, "0", 0, "0", "0", "0"]] : [];
    }
    if (method === "GET" && (path === "/fapi/v1/ticker/24hr" || path === "/fapi/v1/ticker/price")) {
      const symbol = q.get("symbol");
      const list = [...this.prices].filter(([s]) => !symbol || s === symbol).map(([s, p]) => this.ticker(s, p));
      return symbol ? list[0] : list;
    }
    return undefined;
  }

  privateRoute(method: string, path: string, apiKey: string, params: URLSearchParams): unknown {
    const a = this.account(apiKey);
    const symbol = params.get("symbol");
    switch (`${method} ${path}`) {
      case "POST /fapi/v1/leverage": {
        const leverage = Number(params.get("leverage"));
        if (!Number.isInteger(leverage) || leverage < 1 || leverage > 125) throw new FuturesError(400, -4028, "Leverage is not valid");
        this.position(apiKey, this.market(symbol).symbol).leverage = leverage;
        return { leverage, maxNotionalValue: "1000000", symbol };
      }
      case "POST /fapi/v1/marginType": {
        const type = params.get("marginType");
        if (type !== "ISOLATED" && type !== "CROSSED") throw new FuturesError(400, -1116, "Invalid marginType.");
        const p = this.position(apiKey, this.market(symbol).symbol);
        if (p.marginType === type) throw new FuturesError(400, -4046, "No need to change margin type.");
        if (!p.amount.isZero()) throw new FuturesError(400, -4048, "Margin type cannot be changed if there exists position.");
        p.marginType = type;
        return { code: 200, msg: "success" };
      }
      case "POST /fapi/v1/order":
        return this.orderJson(this.newOrder(apiKey, a, params));
      case "GET /fapi/v1/order":
        return this.orderJson(this.findOrder(a, params));
      case "DELETE /fapi/v1/order": {
        const o = this.findOrder(a, params);
        if (o.status !== "NEW") throw new FuturesError(400, -2011, "Unknown order sent.");
        o.status = "CANCELED";
        o.updateTime = Date.now();
        return this.orderJson(o);
      }
      case "POST /fapi/v1/algoOrder":
        return this.algoJson(this.newAlgo(apiKey, a, params));
      case "GET /fapi/v1/algoOrder":
        return this.algoJson(this.findAlgo(a, params));
      case "DELETE /fapi/v1/algoOrder": {
        const algo = this.findAlgo(a, params);
        if (algo.algoStatus !== "NEW") throw new FuturesError(400, -2011, "Unknown order sent.");
        algo.algoStatus = "CANCELED";
        algo.updateTime = Date.now();
        return { algoId: algo.algoId, clientAlgoId: algo.clientAlgoId, code: "200", msg: "success" };
      }
      case "GET /fapi/v1/openAlgoOrders":
        return a.algos.filter((o) => o.algoStatus === "NEW" && (!symbol || o.symbol === symbol)).map((o) => this.algoJson(o));
      case "DELETE /fapi/v1/algoOpenOrders": {
        for (const o of a.algos) if (o.symbol === symbol && o.algoStatus === "NEW") o.algoStatus = "CANCELED";
        return { code: 200, msg: "The operation of cancel all open order is done." };
      }
      case "GET /fapi/v1/openOrders":
        return a.orders.filter((o) => o.status === "NEW" && (!symbol || o.symbol === symbol)).map((o) => this.orderJson(o));
      case "GET /fapi/v1/allOrders":
        return a.orders.filter((o) => o.symbol === symbol).map((o) => this.orderJson(o));
      case "GET /fapi/v1/userTrades": {
        const orderId = params.get("orderId");
        return a.trades.filter((t) => t.symbol === symbol && (!orderId || String(t.orderId) === orderId)).map((t) => this.tradeJson(t));
      }
      case "GET /fapi/v3/positionRisk":
      case "GET /fapi/v2/positionRisk":
        return [...a.positions].filter(([s]) => !symbol || s === symbol).map(([s, p]) => this.positionJson(s, p));
      case "GET /fapi/v1/leverageBracket":
        return [...this.markets.keys()].map((s) => ({
          symbol: s,
          notionalCoef: 1,
          brackets: [{ bracket: 1, initialLeverage: 125, notionalCap: 5_000_000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 }],
        }));
      case "GET /fapi/v3/account":
      case "GET /fapi/v2/account":
        return this.accountJson(a);
      case "GET /fapi/v2/balance":
      case "GET /fapi/v3/balance":
        return [{ accountAlias: "sim", asset: "USDT", balance: a.wallet.toFixed(), availableBalance: this.available(a).toFixed(), updateTime: Date.now() }];
      case "GET /fapi/v1/income": {
        const type = params.get("incomeType");
        const start = Number(params.get("startTime") ?? 0);
        return a.income.filter((i) => (!type || i.incomeType === type) && (!symbol || i.symbol === symbol) && i.time >= start).map((i) => ({
          symbol: i.symbol,
          incomeType: i.incomeType,
          income: i.income.toFixed(),
          asset: "USDT",
          info: "FUNDING_FEE",
          time: i.time,
          tranId: i.tranId,
          tradeId: "",
        }));
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------

  private market(symbol: string | null) {
    const m = symbol ? this.markets.get(symbol) : undefined;
    if (!symbol) throw new FuturesError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    if (!m) throw new FuturesError(400, -1121, "Invalid symbol.");
    return m;
  }

  private margin(a: FuturesAccount) {
    return [...a.positions].reduce((sum, [, p]) => sum.add(p.amount.abs().mul(p.entryPrice).div(p.leverage)), new Decimal(0));
  }

  private available(a: FuturesAccount) {
    return Decimal.max(0, a.wallet.sub(this.margin(a)));
  }

  private newOrder(apiKey: string, a: FuturesAccount, params: URLSearchParams): FuturesOrder {
    const m = this.market(params.get("symbol"));
    const side = params.get("side");
    const type = params.get("type");
    if (side !== "BUY" && side !== "SELL") throw new FuturesError(400, -1117, "Invalid side.");
    if (type !== "MARKET" && type !== "LIMIT") throw new FuturesError(400, -1116, "Invalid orderType.");
    const qty = new Decimal(params.get("quantity") ?? "0");
    if (qty.lt(m.minQty) || !qty.div(m.stepSize).isInteger()) throw new FuturesError(400, -1111, "Precision is over the maximum defined for this asset.");
    const positionSide = params.get("positionSide") ?? "BOTH";
    if (positionSide !== "BOTH") throw new FuturesError(400, -4061, "Order's position side does not match user's setting.");
    const clientOrderId = params.get("newClientOrderId") ?? `sim${this.nextId}`;
    if (a.orders.some((o) => o.clientOrderId === clientOrderId && o.status === "NEW")) throw new FuturesError(400, -4116, "ClientOrderId is duplicated.");
    const reduceOnly = params.get("reduceOnly") === "true";
    const p = this.position(apiKey, m.symbol);
    const signed = side === "BUY" ? qty : qty.neg();
    if (reduceOnly && (p.amount.isZero() || p.amount.mul(signed).gt(0) || qty.gt(p.amount.abs()))) {
      throw new FuturesError(400, -2022, "ReduceOnly Order is rejected.");
    }
    const price = this.prices.get(m.symbol)!;
    const now = Date.now();
    const order: FuturesOrder = {
      orderId: this.nextId++,
      clientOrderId,
      symbol: m.symbol,
      side,
      type,
      price: type === "LIMIT" ? new Decimal(params.get("price") ?? "0") : new Decimal(0),
      origQty: qty,
      executedQty: new Decimal(0),
      cumQuote: new Decimal(0),
      reduceOnly,
      status: "NEW",
      time: now,
      updateTime: now,
    };
    const marketable = type === "MARKET" || (side === "BUY" ? order.price.gte(price) : order.price.lte(price));
    if (marketable) {
      const opening = p.amount.mul(signed).gte(0) ? qty : Decimal.max(0, qty.sub(p.amount.abs()));
      if (opening.mul(price).div(p.leverage).gt(this.available(a))) throw new FuturesError(400, -2019, "Margin is insufficient.");
      this.fill(a, p, order, price);
    }
    a.orders.push(order);
    return order;
  }

  private newAlgo(apiKey: string, a: FuturesAccount, params: URLSearchParams): AlgoOrder {
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
    if (closePosition && quantity) throw new FuturesError(400, -4137, "Quantity must be zero with closePosition equals true.");
    if (closePosition && params.get("reduceOnly") === "true") throw new FuturesError(400, -1106, "Parameter 'reduceonly' sent when not required.");
    if (!closePosition && !quantity) throw new FuturesError(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    const timeInForce = params.get("timeInForce") ?? "GTC";
    const p = this.position(apiKey, m.symbol);
    if (timeInForce === "GTE_GTC" && p.amount.isZero()) throw new FuturesError(400, -4509, "TIF GTE can only be used with open positions or open orders.");
    const price = this.prices.get(m.symbol)!;
    const up = (type === "STOP_MARKET") === (side === "BUY");
    if (up ? price.gte(trigger) : price.lte(trigger)) throw new FuturesError(400, -2021, "Order would immediately trigger.");
    const clientAlgoId = params.get("clientAlgoId") ?? `sim${this.nextId}`;
    if (a.algos.some((o) => o.clientAlgoId === clientAlgoId && o.algoStatus === "NEW")) throw new FuturesError(400, -4116, "ClientOrderId is duplicated.");
    const now = Date.now();
    const algo: AlgoOrder = {
      algoId: this.nextId++,
      clientAlgoId,
      symbol: m.symbol,
      side,
      orderType: type,
      triggerPrice: trigger,
      quantity: quantity ? new Decimal(quantity) : null,
      closePosition,
      reduceOnly: params.get("reduceOnly") === "true",
      timeInForce,
      algoStatus: "NEW",
      actualOrderId: null,
      createTime: now,
      updateTime: now,
      triggerTime: 0,
    };
    a.algos.push(algo);
    return algo;
  }

  private findAlgo(a: FuturesAccount, params: URLSearchParams) {
    const id = params.get("algoId");
    const clientId = params.get("clientAlgoId");
    // Several algo orders may share a client id once the earlier ones ended: the latest answers.
    const found = a.algos.findLast((o) => (id ? String(o.algoId) === id : o.clientAlgoId === clientId));
    if (!found || (params.get("symbol") && found.symbol !== params.get("symbol"))) throw new FuturesError(400, -2013, "Order does not exist.");
    return found;
  }

  private algoJson(o: AlgoOrder) {
    const actual = o.actualOrderId ? this.accountsOrder(o.actualOrderId) : undefined;
    return {
      algoId: o.algoId,
      clientAlgoId: o.clientAlgoId,
      algoType: "CONDITIONAL",
      orderType: o.orderType,
      symbol: o.symbol,
      side: o.side,
      positionSide: "BOTH",
      timeInForce: o.timeInForce,
      quantity: o.quantity?.toFixed() ?? "0",
      algoStatus: o.algoStatus,
      actualOrderId: o.actualOrderId ? String(o.actualOrderId) : "",
      actualPrice: actual && actual.executedQty.gt(0) ? actual.cumQuote.div(actual.executedQty).toFixed() : "0",
      triggerPrice: o.triggerPrice.toFixed(),
      price: "0",
      icebergQuantity: null,
      selfTradePreventionMode: "EXPIRE_MAKER",
      workingType: "CONTRACT_PRICE",
      priceMatch: "NONE",
      closePosition: o.closePosition,
      priceProtect: false,
      reduceOnly: o.reduceOnly,
      createTime: o.createTime,
      updateTime: o.updateTime,
      triggerTime: o.triggerTime,
      goodTillDate: 0,
    };
  }

  private accountsOrder(orderId: number) {
    for (const a of this.accounts.values()) {
      const o = a.orders.find((x) => x.orderId === orderId);
      if (o) return o;
    }
    return undefined;
  }

  private fill(a: FuturesAccount, p: Position, order: FuturesOrder, price: Decimal) {
    const signed = order.side === "BUY" ? order.origQty : order.origQty.neg();
    let realized = new Decimal(0);
    if (p.amount.mul(signed).lt(0)) {
      const closed = Decimal.min(order.origQty, p.amount.abs());
      realized = price.sub(p.entryPrice).mul(closed).mul(p.amount.gt(0) ? 1 : -1);
      const rest = order.origQty.sub(closed);
      p.amount = p.amount.add(order.side === "BUY" ? closed : closed.neg());
      if (rest.gt(0)) {
        p.amount = order.side === "BUY" ? rest : rest.neg();
        p.entryPrice = price;
      } else if (p.amount.isZero()) p.entryPrice = new Decimal(0);
    } else {
      const total = p.amount.abs().add(order.origQty);
      p.entryPrice = p.amount.abs().mul(p.entryPrice).add(order.origQty.mul(price)).div(total);
      p.amount = p.amount.add(signed);
    }
    const quote = order.origQty.mul(price);
    const commission = quote.mul(TAKER);
    a.wallet = a.wallet.add(realized).sub(commission);
    p.updateTime = Date.now();
    if (p.amount.isZero()) {
      // GTE_GTC conditional orders end with the position (Binance's system-led cancellation: EXPIRED).
      for (const algo of a.algos) {
        if (algo.symbol === order.symbol && algo.algoStatus === "NEW" && algo.timeInForce === "GTE_GTC") {
          algo.algoStatus = "EXPIRED";
          algo.updateTime = Date.now();
        }
      }
    }
    order.executedQty = order.origQty;
    order.cumQuote = quote;
    order.status = "FILLED";
    a.trades.push({ id: this.nextId++, orderId: order.orderId, symbol: order.symbol, side: order.side, price, qty: order.origQty, realizedPnl: realized, commission, time: Date.now() });
  }

  private findOrder(a: FuturesAccount, params: URLSearchParams) {
    const id = params.get("orderId");
    const clientId = params.get("origClientOrderId");
    const found = a.orders.find((o) => o.symbol === params.get("symbol") && (id ? String(o.orderId) === id : o.clientOrderId === clientId));
    if (!found) throw new FuturesError(400, -2013, "Order does not exist.");
    return found;
  }

  private exchangeInfo() {
    return {
      timezone: "UTC",
      serverTime: Date.now(),
      rateLimits: [],
      assets: [{ asset: "USDT", marginAvailable: true }],
      symbols: [...this.markets.values()].map((m) => ({
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

  private orderJson(o: FuturesOrder) {
    return {
      orderId: o.orderId,
      symbol: o.symbol,
      status: o.status,
      clientOrderId: o.clientOrderId,
      price: o.price.toFixed(),
      avgPrice: o.executedQty.gt(0) ? o.cumQuote.div(o.executedQty).toFixed() : "0",
      origQty: o.origQty.toFixed(),
      executedQty: o.executedQty.toFixed(),
      cumQty: o.executedQty.toFixed(),
      cumQuote: o.cumQuote.toFixed(),
      timeInForce: "GTC",
      type: o.type,
      reduceOnly: o.reduceOnly,
      closePosition: false,
      side: o.side,
      positionSide: "BOTH",
      stopPrice: "0",
      workingType: "CONTRACT_PRICE",
      priceProtect: false,
      origType: o.type,
      time: o.time,
      updateTime: o.updateTime,
    };
  }

  private tradeJson(t: FuturesTrade) {
    return {
      symbol: t.symbol,
      id: t.id,
      orderId: t.orderId,
      side: t.side,
      price: t.price.toFixed(),
      qty: t.qty.toFixed(),
      realizedPnl: t.realizedPnl.toFixed(),
      marginAsset: "USDT",
      quoteQty: t.qty.mul(t.price).toFixed(),
      commission: t.commission.toFixed(),
      commissionAsset: "USDT",
      time: t.time,
      positionSide: "BOTH",
      buyer: t.side === "BUY",
      maker: false,
    };
  }

  private positionJson(symbol: string, p: Position) {
    const mark = this.prices.get(symbol) ?? p.entryPrice;
    const notional = p.amount.mul(mark);
    const isolated = p.marginType === "ISOLATED" ? p.amount.abs().mul(p.entryPrice).div(p.leverage) : new Decimal(0);
    return {
      symbol,
      positionSide: "BOTH",
      positionAmt: p.amount.toFixed(),
      entryPrice: p.entryPrice.toFixed(),
      breakEvenPrice: p.entryPrice.toFixed(),
      markPrice: mark.toFixed(),
      unRealizedProfit: mark.sub(p.entryPrice).mul(p.amount).toFixed(),
      liquidationPrice: "0",
      isolatedMargin: isolated.toFixed(),
      notional: notional.toFixed(),
      marginAsset: "USDT",
      isolatedWallet: isolated.toFixed(),
      initialMargin: notional.abs().div(p.leverage).toFixed(),
      maintMargin: "0",
      positionInitialMargin: notional.abs().div(p.leverage).toFixed(),
      openOrderInitialMargin: "0",
      adl: 0,
      bidNotional: "0",
      askNotional: "0",
      updateTime: p.updateTime,
    };
  }

  private accountJson(a: FuturesAccount) {
    const available = this.available(a);
    const margin = this.margin(a);
    return {
      totalInitialMargin: margin.toFixed(),
      totalWalletBalance: a.wallet.toFixed(),
      availableBalance: available.toFixed(),
      assets: [
        {
          asset: "USDT",
          walletBalance: a.wallet.toFixed(),
          unrealizedProfit: "0",
          marginBalance: a.wallet.toFixed(),
          initialMargin: margin.toFixed(),
          availableBalance: available.toFixed(),
          maxWithdrawAmount: available.toFixed(),
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
