import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Decimal from "decimal.js";

/**
 * A local stand-in for the part of Binance's spot REST API that ccxt's binance class uses for accounts,
 * balances and orders. Signatures are checked exactly as Binance does (HMAC-SHA256 over query string
 * followed by body), and `newClientOrderId` behaves as on Binance: refused only while an earlier order
 * with that id is still open. Faults (latency, 429/418 with Retry-After, 5xx, "accepted but the response
 * never arrives") are injected through `/__sim/*` or the methods below.
 */

export interface SimMarket {
  symbol: string;
  base: string;
  quote: string;
  tickSize: string;
  stepSize: string;
  minQty: string;
  minNotional: string;
}

export const DEFAULT_MARKETS: SimMarket[] = [
  { symbol: "BTCUSDT", base: "BTC", quote: "USDT", tickSize: "0.01", stepSize: "0.00001", minQty: "0.00001", minNotional: "5" },
  { symbol: "ETHUSDT", base: "ETH", quote: "USDT", tickSize: "0.01", stepSize: "0.0001", minQty: "0.0001", minNotional: "5" },
  { symbol: "SOLUSDT", base: "SOL", quote: "USDT", tickSize: "0.01", stepSize: "0.001", minQty: "0.001", minNotional: "5" },
  { symbol: "BNBUSDT", base: "BNB", quote: "USDT", tickSize: "0.01", stepSize: "0.001", minQty: "0.001", minNotional: "5" },
];

const DEFAULT_PRICES: Record<string, string> = { BTCUSDT: "60000", ETHUSDT: "3000", SOLUSDT: "150", BNBUSDT: "600" };

type Status = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "REJECTED" | "EXPIRED";

interface SimOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: "BUY" | "SELL";
  type: "MARKET" | "LIMIT";
  price: Decimal;
  origQty: Decimal;
  executedQty: Decimal;
  cummulativeQuoteQty: Decimal;
  status: Status;
  time: number;
  updateTime: number;
  fills: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number }[];
}

interface SimAccount {
  apiKey: string;
  secret: string;
  canWithdraw: boolean;
  canTrade: boolean;
  balances: Map<string, { free: Decimal; locked: Decimal }>;
  orders: SimOrder[];
}

export type Fault =
  | { kind: "status"; status: 429 | 418 | 500 | 502 | 503; retryAfter?: number; count?: number; path?: string }
  | { kind: "timeout-after-accept"; count?: number; holdMs?: number };

class BinanceError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const COMMISSION = new Decimal("0.001");

export class BinanceSimulator {
  readonly markets = new Map<string, SimMarket>();
  readonly prices = new Map<string, Decimal>();
  readonly accounts = new Map<string, SimAccount>();
  readonly requests: { method: string; path: string }[] = [];
  private faults: (Fault & { left: number })[] = [];
  private latencyMs = 0;
  private nextOrderId = 1000;
  private nextTradeId = 1;
  private server?: http.Server;
  private held = new Set<http.ServerResponse>();

  constructor(markets: SimMarket[] = DEFAULT_MARKETS) {
    for (const m of markets) this.markets.set(m.symbol, m);
    this.reset();
  }

  reset() {
    this.prices.clear();
    for (const [s, p] of Object.entries(DEFAULT_PRICES)) if (this.markets.has(s)) this.prices.set(s, new Decimal(p));
    this.accounts.clear();
    this.faults = [];
    this.latencyMs = 0;
    this.requests.length = 0;
  }

  addAccount(opts: { apiKey: string; secret: string; balances?: Record<string, string>; canWithdraw?: boolean; canTrade?: boolean }) {
    const balances = new Map<string, { free: Decimal; locked: Decimal }>();
    for (const [asset, free] of Object.entries(opts.balances ?? { USDT: "10000" })) {
      balances.set(asset, { free: new Decimal(free), locked: new Decimal(0) });
    }
    this.accounts.set(opts.apiKey, {
      apiKey: opts.apiKey,
      secret: opts.secret,
      canWithdraw: opts.canWithdraw ?? false,
      canTrade: opts.canTrade ?? true,
      balances,
      orders: [],
    });
  }

  account(apiKey: string) {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`no simulator account ${apiKey}`);
    return account;
  }

  /** Moves the price and fills resting limit orders it crosses, at their limit price. */
  setPrice(symbol: string, price: string) {
    const p = new Decimal(price);
    this.prices.set(symbol, p);
    for (const account of this.accounts.values()) {
      for (const order of account.orders) {
        if (order.symbol !== symbol || order.type !== "LIMIT" || (order.status !== "NEW" && order.status !== "PARTIALLY_FILLED")) continue;
        const crosses = order.side === "BUY" ? p.lte(order.price) : p.gte(order.price);
        if (crosses) this.fill(account, order, order.price, true);
      }
    }
  }

  injectFault(fault: Fault) {
    this.faults.push({ ...fault, left: fault.count ?? 1 });
  }

  setLatency(ms: number) {
    this.latencyMs = ms;
  }

  /** Binance's rule: HMAC-SHA256(secret, totalParams) in hex, where totalParams = query string + body. */
  static sign(secret: string, totalParams: string) {
    return createHmac("sha256", secret).update(totalParams).digest("hex");
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    return this.url;
  }

  get url() {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error("simulator is not running");
    return `http://127.0.0.1:${address.port}`;
  }

  async stop() {
    for (const res of this.held) res.destroy();
    this.held.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  // ---------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://sim");
    const method = req.method ?? "GET";
    if (url.pathname.startsWith("/__sim/")) return this.control(method, url.pathname, body, res);
    this.requests.push({ method, path: url.pathname });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    const fault = this.takeFault(url.pathname);
    if (fault?.kind === "status") {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
      if (fault.status === 502) {
        res.writeHead(502, { "Content-Type": "text/html" });
        return res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
      }
      res.writeHead(fault.status, headers);
      const msg =
        fault.status === 429
          ? { code: -1003, msg: "Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute." }
          : fault.status === 418
            ? { code: -1003, msg: "Way too many requests; IP(127.0.0.1) banned until 1700000000000." }
            : { code: -1001, msg: "Internal error; unable to process your request. Please try again." };
      return res.end(JSON.stringify(msg));
    }

    try {
      const result = this.route(method, url, body, req.headers);
      if (fault?.kind === "timeout-after-accept") {
        // The order is booked; the answer never reaches the client in time.
        this.held.add(res);
        setTimeout(() => {
          this.held.delete(res);
          res.destroy();
        }, fault.holdMs ?? 30_000).unref();
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(result));
    } catch (error) {
      if (error instanceof BinanceError) {
        res.writeHead(error.status, { "Content-Type": "application/json" });
        return res.end(JSON.stringify({ code: error.code, msg: error.message }));
      }
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ code: -1000, msg: String(error) }));
    }
  }

  private takeFault(path: string) {
    const index = this.faults.findIndex((f) =>
      f.kind === "status" ? !f.path || f.path === path : path === "/api/v3/order",
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private control(method: string, path: string, body: string, res: http.ServerResponse) {
    const data = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    const ok = (value: unknown = { ok: true }) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (path === "/__sim/reset") return (this.reset(), ok());
    if (path === "/__sim/accounts" && method === "POST") return (this.addAccount(data as never), ok());
    if (path === "/__sim/price" && method === "POST") return (this.setPrice(String(data.symbol), String(data.price)), ok());
    if (path === "/__sim/faults" && method === "POST") return (this.injectFault(data as Fault), ok());
    if (path === "/__sim/latency" && method === "POST") return (this.setLatency(Number(data.ms) || 0), ok());
    if (path === "/__sim/state") {
      return ok({
        prices: Object.fromEntries([...this.prices].map(([s, p]) => [s, p.toString()])),
        accounts: [...this.accounts.values()].map((a) => ({
          apiKey: a.apiKey,
          balances: Object.fromEntries([...a.balances].map(([k, v]) => [k, { free: v.free.toString(), locked: v.locked.toString() }])),
          orders: a.orders.map((o) => this.orderJson(o)),
        })),
      });
    }
    res.writeHead(404).end();
  }

  private route(method: string, url: URL, body: string, headers: http.IncomingHttpHeaders): unknown {
    const path = url.pathname;
    const q = url.searchParams;
    if (method === "GET" && path === "/api/v3/ping") return {};
    if (method === "GET" && path === "/api/v3/time") return { serverTime: Date.now() };
    if (method === "GET" && path === "/api/v3/exchangeInfo") return this.exchangeInfo();
    if (method === "GET" && (path === "/api/v3/ticker/24hr" || path === "/api/v3/ticker/price")) return this.tickers(q);

    const { account, params } = this.authenticate(url, body, headers);
    if (method === "GET" && path === "/api/v3/account") return this.accountJson(account);
    if (method === "GET" && path === "/sapi/v1/account/apiRestrictions") {
      return {
        ipRestrict: false,
        createTime: 1700000000000,
        enableReading: true,
        enableWithdrawals: account.canWithdraw,
        enableInternalTransfer: false,
        enableMargin: false,
        enableFutures: false,
        permitsUniversalTransfer: false,
        enableVanillaOptions: false,
        enableSpotAndMarginTrading: account.canTrade,
      };
    }
    if (method === "POST" && path === "/api/v3/order") return this.newOrder(account, params);
    if (method === "GET" && path === "/api/v3/order") return this.orderJson(this.findOrder(account, params));
    if (method === "DELETE" && path === "/api/v3/order") return this.cancel(account, this.findOrder(account, params, -2011));
    if (method === "DELETE" && path === "/api/v3/openOrders") {
      const open = account.orders.filter((o) => o.symbol === params.get("symbol") && isOpen(o));
      if (open.length === 0) throw new BinanceError(400, -2011, "Unknown order sent.");
      return open.map((o) => this.cancel(account, o));
    }
    if (method === "GET" && path === "/api/v3/openOrders") {
      const symbol = params.get("symbol");
      return account.orders.filter((o) => isOpen(o) && (!symbol || o.symbol === symbol)).map((o) => this.orderJson(o));
    }
    if (method === "GET" && path === "/api/v3/myTrades") {
      const symbol = this.market(params.get("symbol")).symbol;
      const orderId = params.get("orderId");
      return account.orders
        .filter((o) => o.symbol === symbol && (!orderId || String(o.orderId) === orderId))
        .flatMap((o) =>
          o.fills.map((f) => ({
            symbol: o.symbol,
            id: f.tradeId,
            orderId: o.orderId,
            orderListId: -1,
            price: f.price,
            qty: f.qty,
            quoteQty: new Decimal(f.price).mul(f.qty).toFixed(8),
            commission: f.commission,
            commissionAsset: f.commissionAsset,
            time: o.updateTime,
            isBuyer: o.side === "BUY",
            isMaker: o.type === "LIMIT",
            isBestMatch: true,
          })),
        );
    }
    if (method === "GET" && path === "/api/v3/allOrders") {
      const symbol = this.market(params.get("symbol")).symbol;
      const limit = Math.min(Number(params.get("limit") ?? 500), 1000);
      return account.orders
        .filter((o) => o.symbol === symbol)
        .slice(-limit)
        .map((o) => this.orderJson(o));
    }
    throw new BinanceError(404, -1000, `Simulator does not implement ${method} ${path}`);
  }

  private authenticate(url: URL, body: string, headers: http.IncomingHttpHeaders) {
    const apiKey = headers["x-mbx-apikey"];
    if (typeof apiKey !== "string" || !apiKey) throw new BinanceError(401, -2014, "API-key format invalid.");
    const account = this.accounts.get(apiKey);
    if (!account) throw new BinanceError(401, -2015, "Invalid API-key, IP, or permissions for action.");
    const query = url.search.replace(/^\?/, "");
    const strip = (s: string) => {
      const match = /(^|&)signature=([0-9a-fA-F]*)$/.exec(s);
      return match ? { rest: s.slice(0, match.index), signature: match[2] } : { rest: s, signature: undefined };
    };
    const fromQuery = strip(query);
    const fromBody = strip(body);
    const signature = fromQuery.signature ?? fromBody.signature;
    if (!signature) throw new BinanceError(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    const expected = BinanceSimulator.sign(account.secret, fromQuery.rest + fromBody.rest);
    const given = Buffer.from(signature.toLowerCase());
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) {
      throw new BinanceError(400, -1022, "Signature for this request is not valid.");
    }
    const params = new URLSearchParams(fromQuery.rest + (fromQuery.rest && fromBody.rest ? "&" : "") + fromBody.rest);
    const timestamp = Number(params.get("timestamp"));
    const recvWindow = Number(params.get("recvWindow") ?? 5000);
    if (!Number.isFinite(timestamp) || timestamp > Date.now() + 1000 || Date.now() - timestamp > recvWindow) {
      throw new BinanceError(400, -1021, "Timestamp for this request is outside of the recvWindow.");
    }
    return { account, params };
  }

  private market(symbol: string | null) {
    const market = symbol ? this.markets.get(symbol) : undefined;
    if (!market) throw new BinanceError(400, -1121, "Invalid symbol.");
    return market;
  }

  private balance(account: SimAccount, asset: string) {
    let b = account.balances.get(asset);
    if (!b) {
      b = { free: new Decimal(0), locked: new Decimal(0) };
      account.balances.set(asset, b);
    }
    return b;
  }

  private newOrder(account: SimAccount, params: URLSearchParams) {
    const market = this.market(params.get("symbol"));
    const side = params.get("side");
    const type = params.get("type");
    if (side !== "BUY" && side !== "SELL") throw new BinanceError(400, -1100, "Illegal characters found in parameter 'side'.");
    if (type !== "MARKET" && type !== "LIMIT") throw new BinanceError(400, -1116, "Invalid orderType.");
    if (!account.canTrade) throw new BinanceError(400, -2010, "This action is disabled on this account.");
    const clientOrderId = params.get("newClientOrderId") ?? `sim${this.nextOrderId}`;
    if (account.orders.some((o) => o.clientOrderId === clientOrderId && isOpen(o))) {
      throw new BinanceError(400, -2010, "Duplicate order sent.");
    }
    const qtyText = params.get("quantity");
    if (!qtyText) throw new BinanceError(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    const qty = new Decimal(qtyText);
    if (qty.lt(market.minQty) || !qty.mod(market.stepSize).isZero()) throw new BinanceError(400, -1013, "Filter failure: LOT_SIZE");
    const last = this.prices.get(market.symbol) ?? new Decimal(0);
    let price = last;
    if (type === "LIMIT") {
      const priceText = params.get("price");
      if (!priceText) throw new BinanceError(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
      price = new Decimal(priceText);
      if (price.lte(0) || !price.mod(market.tickSize).isZero()) throw new BinanceError(400, -1013, "Filter failure: PRICE_FILTER");
    }
    if (qty.mul(price).lt(market.minNotional)) throw new BinanceError(400, -1013, "Filter failure: NOTIONAL");

    // Funds are checked and locked at the order's price (a market buy at the last price).
    const quote = this.balance(account, market.quote);
    const base = this.balance(account, market.base);
    const lockAsset = side === "BUY" ? quote : base;
    const lockAmount = side === "BUY" ? qty.mul(price) : qty;
    if (lockAsset.free.lt(lockAmount)) throw new BinanceError(400, -2010, "Account has insufficient balance for requested action.");
    lockAsset.free = lockAsset.free.sub(lockAmount);
    lockAsset.locked = lockAsset.locked.add(lockAmount);

    const now = Date.now();
    const order: SimOrder = {
      orderId: this.nextOrderId++,
      clientOrderId,
      symbol: market.symbol,
      side,
      type,
      price: type === "LIMIT" ? price : new Decimal(0),
      origQty: qty,
      executedQty: new Decimal(0),
      cummulativeQuoteQty: new Decimal(0),
      status: "NEW",
      time: now,
      updateTime: now,
      fills: [],
    };
    account.orders.push(order);
    if (type === "MARKET") this.fill(account, order, last, false);
    else if (side === "BUY" ? last.lte(price) : last.gte(price)) this.fill(account, order, last, false);

    const respType = params.get("newOrderRespType") ?? (type === "MARKET" ? "FULL" : "ACK");
    if (respType === "ACK") {
      return { symbol: order.symbol, orderId: order.orderId, orderListId: -1, clientOrderId, transactTime: now };
    }
    const full = { ...this.orderJson(order), transactTime: now, workingTime: now };
    return respType === "FULL" ? { ...full, fills: order.fills } : full;
  }

  /** Fills the whole remaining quantity at `price`; commission is charged in the asset received. */
  private fill(account: SimAccount, order: SimOrder, price: Decimal, maker: boolean) {
    const market = this.market(order.symbol);
    const qty = order.origQty.sub(order.executedQty);
    const cost = qty.mul(price);
    const quote = this.balance(account, market.quote);
    const base = this.balance(account, market.base);
    let commission: Decimal;
    if (order.side === "BUY") {
      const locked = order.type === "LIMIT" ? qty.mul(order.price) : qty.mul(this.prices.get(market.symbol) ?? price);
      quote.locked = quote.locked.sub(locked);
      quote.free = quote.free.add(locked).sub(cost);
      commission = qty.mul(COMMISSION);
      base.free = base.free.add(qty).sub(commission);
    } else {
      base.locked = base.locked.sub(qty);
      commission = cost.mul(COMMISSION);
      quote.free = quote.free.add(cost).sub(commission);
    }
    order.fills.push({
      price: price.toString(),
      qty: qty.toString(),
      commission: commission.toString(),
      commissionAsset: order.side === "BUY" ? market.base : market.quote,
      tradeId: this.nextTradeId++,
    });
    order.executedQty = order.origQty;
    order.cummulativeQuoteQty = order.cummulativeQuoteQty.add(cost);
    order.status = "FILLED";
    order.updateTime = Date.now() + (maker ? 1 : 0);
  }

  private findOrder(account: SimAccount, params: URLSearchParams, missingCode = -2013) {
    const symbol = this.market(params.get("symbol")).symbol;
    const orderId = params.get("orderId");
    const clientId = params.get("origClientOrderId");
    // Several orders may share a client id once the earlier ones are closed: Binance answers the latest.
    const order = [...account.orders]
      .reverse()
      .find((o) => o.symbol === symbol && (orderId ? String(o.orderId) === orderId : o.clientOrderId === clientId));
    if (!order) throw new BinanceError(400, missingCode, missingCode === -2011 ? "Unknown order sent." : "Order does not exist.");
    return order;
  }

  private cancel(account: SimAccount, order: SimOrder) {
    if (!isOpen(order)) throw new BinanceError(400, -2011, "Unknown order sent.");
    const market = this.market(order.symbol);
    const remaining = order.origQty.sub(order.executedQty);
    if (order.side === "BUY") {
      const quote = this.balance(account, market.quote);
      const locked = remaining.mul(order.price);
      quote.locked = quote.locked.sub(locked);
      quote.free = quote.free.add(locked);
    } else {
      const base = this.balance(account, market.base);
      base.locked = base.locked.sub(remaining);
      base.free = base.free.add(remaining);
    }
    order.status = "CANCELED";
    order.updateTime = Date.now();
    return { ...this.orderJson(order), origClientOrderId: order.clientOrderId };
  }

  private orderJson(o: SimOrder) {
    return {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: o.price.toFixed(8),
      origQty: o.origQty.toFixed(8),
      executedQty: o.executedQty.toFixed(8),
      cummulativeQuoteQty: o.cummulativeQuoteQty.toFixed(8),
      status: o.status,
      timeInForce: o.type === "LIMIT" ? "GTC" : "GTC",
      type: o.type,
      side: o.side,
      stopPrice: "0.00000000",
      icebergQty: "0.00000000",
      time: o.time,
      updateTime: o.updateTime,
      isWorking: true,
      workingTime: o.time,
      origQuoteOrderQty: "0.00000000",
      selfTradePreventionMode: "EXPIRE_MAKER",
    };
  }

  private accountJson(account: SimAccount) {
    return {
      makerCommission: 10,
      takerCommission: 10,
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: { maker: "0.00100000", taker: "0.00100000", buyer: "0.00000000", seller: "0.00000000" },
      canTrade: account.canTrade,
      canWithdraw: account.canWithdraw,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: Date.now(),
      accountType: "SPOT",
      balances: [...account.balances].map(([asset, b]) => ({ asset, free: b.free.toFixed(8), locked: b.locked.toFixed(8) })),
      permissions: ["SPOT"],
      uid: 1,
    };
  }

  private exchangeInfo() {
    return {
      timezone: "UTC",
      serverTime: Date.now(),
      rateLimits: [
        { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 },
        { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
      ],
      exchangeFilters: [],
      symbols: [...this.markets.values()].map((m) => ({
        symbol: m.symbol,
        status: "TRADING",
        baseAsset: m.base,
        baseAssetPrecision: 8,
        quoteAsset: m.quote,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        baseCommissionPrecision: 8,
        quoteCommissionPrecision: 8,
        orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
        icebergAllowed: true,
        ocoAllowed: true,
        otoAllowed: true,
        quoteOrderQtyMarketAllowed: true,
        allowTrailingStop: true,
        cancelReplaceAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          { filterType: "PRICE_FILTER", minPrice: m.tickSize, maxPrice: "1000000.00000000", tickSize: m.tickSize },
          { filterType: "LOT_SIZE", minQty: m.minQty, maxQty: "9000.00000000", stepSize: m.stepSize },
          { filterType: "MARKET_LOT_SIZE", minQty: "0.00000000", maxQty: "100.00000000", stepSize: "0.00000000" },
          { filterType: "NOTIONAL", minNotional: m.minNotional, applyMinToMarket: true, maxNotional: "9000000.00000000", applyMaxToMarket: false, avgPriceMins: 5 },
        ],
        permissions: [],
        permissionSets: [["SPOT"]],
        defaultSelfTradePreventionMode: "EXPIRE_MAKER",
        allowedSelfTradePreventionModes: ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
      })),
    };
  }

  private tickers(q: URLSearchParams) {
    const one = (symbol: string) => {
      const price = this.prices.get(symbol) ?? new Decimal(0);
      const now = Date.now();
      return {
        symbol,
        priceChange: "0.00000000",
        priceChangePercent: "0.000",
        weightedAvgPrice: price.toFixed(8),
        prevClosePrice: price.toFixed(8),
        lastPrice: price.toFixed(8),
        lastQty: "1.00000000",
        bidPrice: price.toFixed(8),
        bidQty: "1.00000000",
        askPrice: price.toFixed(8),
        askQty: "1.00000000",
        openPrice: price.toFixed(8),
        highPrice: price.toFixed(8),
        lowPrice: price.toFixed(8),
        volume: "100.00000000",
        quoteVolume: price.mul(100).toFixed(8),
        openTime: now - 86_400_000,
        closeTime: now,
        firstId: 1,
        lastId: 100,
        count: 100,
      };
    };
    const symbol = q.get("symbol");
    if (symbol) return one(this.market(symbol).symbol);
    const list = q.get("symbols");
    const symbols = list ? (JSON.parse(list) as string[]) : [...this.markets.keys()];
    return symbols.map((s) => one(this.market(s).symbol));
  }
}

function isOpen(o: SimOrder) {
  return o.status === "NEW" || o.status === "PARTIALLY_FILLED";
}
