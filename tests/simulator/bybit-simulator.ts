import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Decimal from "decimal.js";
import { bybitLinearCoin, bybitLinearDesk, BybitLinearRefusal, bybitLinearRoute } from "./bybit-linear";

/**
 * A local stand-in for the part of Bybit's v5 REST API (unified trading account, spot) that ccxt's bybit
 * class uses: instruments, tickers, the key's own info, wallet balance, create / cancel / cancel-all,
 * open orders (`/v5/order/realtime`), order history, executions. Every private request is checked as
 * Bybit does: `X-BAPI-SIGN` = hex HMAC-SHA256(secret, timestamp + apiKey + recvWindow + (query string |
 * JSON body)), the timestamp inside `X-BAPI-RECV-WINDOW`. Answers are `{ retCode, retMsg, result,
 * retExtInfo, time }`; errors carry Bybit's codes (10003 invalid key, 10004 bad signature, 10006 rate
 * limit with `X-Bapi-Limit-*` headers, 110001 unknown order, 170131 insufficient balance, 170141
 * duplicate orderLinkId). Spot conditional orders (`orderFilter: StopOrder` with a `triggerPrice`) wait as
 * `Untriggered`, reserve nothing, fire when the last price crosses the trigger (upward when it was above
 * the price at creation) and are canceled as `Deactivated`; unless `orderFilter` says otherwise, the order
 * lists show them with the plain orders while cancel and cancel-all take plain orders only.
 *
 * Its matching is a small local engine (market orders fill whole at the last price, limit orders rest
 * and fill when `setPrice` crosses them), not the Binance simulator's: that one's engine is tied to
 * Binance's order shapes, and sharing it is left for when a third venue needs the same depth.
 */

export interface BybitSimMarket {
  symbol: string;
  base: string;
  quote: string;
  tickSize: string;
  basePrecision: string;
  minOrderQty: string;
  minOrderAmt: string;
}

export const BYBIT_MARKETS: BybitSimMarket[] = [
  { symbol: "BTCUSDT", base: "BTC", quote: "USDT", tickSize: "0.01", basePrecision: "0.000001", minOrderQty: "0.000048", minOrderAmt: "1" },
  { symbol: "ETHUSDT", base: "ETH", quote: "USDT", tickSize: "0.01", basePrecision: "0.00001", minOrderQty: "0.00062", minOrderAmt: "1" },
];

const DEFAULT_PRICES: Record<string, string> = { BTCUSDT: "60000", ETHUSDT: "3000" };
const FEE_RATE = new Decimal("0.001");

// Untriggered / Deactivated: a spot conditional order (`orderFilter: StopOrder`) waiting, or canceled before it fired.
type Status = "New" | "PartiallyFilled" | "Filled" | "Cancelled" | "PartiallyFilledCanceled" | "Rejected" | "Untriggered" | "Deactivated";

export interface BybitSimOrder {
  orderId: string;
  orderLinkId: string;
  symbol: string;
  side: "Buy" | "Sell";
  orderType: "Market" | "Limit";
  price: Decimal;
  qty: Decimal;
  cumExecQty: Decimal;
  cumExecValue: Decimal;
  fees: Map<string, Decimal>;
  status: Status;
  createdTime: number;
  updatedTime: number;
  /** "Stop" for a spot conditional order: nothing is reserved until its trigger fires. */
  stopOrderType?: "Stop";
  triggerPrice?: Decimal;
  /** 1: fires when the price rises to the trigger, 2: when it falls (spot: from the price at creation). */
  triggerDirection?: 1 | 2;
  lastPriceOnCreated?: Decimal;
}

export interface BybitSimExecution {
  execId: string;
  orderId: string;
  orderLinkId: string;
  symbol: string;
  side: "Buy" | "Sell";
  orderType: "Market" | "Limit";
  execPrice: Decimal;
  execQty: Decimal;
  execFee: Decimal;
  feeCurrency: string;
  isMaker: boolean;
  execTime: number;
}

export interface BybitSimAccount {
  apiKey: string;
  secret: string;
  /** `permissions.Wallet` includes "Withdraw". */
  canWithdraw: boolean;
  readOnly: boolean;
  /** `ips`; ["*"] when the key works from anywhere. */
  ips: string[];
  balances: Map<string, { free: Decimal; locked: Decimal }>;
  orders: BybitSimOrder[];
  executions: BybitSimExecution[];
  /** A perpetual-trading account: its USDT is the linear desk's margin account. */
  linear?: boolean;
}

export type BybitFault =
  | { kind: "status"; status: 500 | 502 | 503; count?: number; path?: string }
  /** Bybit's per-UID limit: retCode 10006 with HTTP 200 and the `X-Bapi-Limit-*` headers. */
  | { kind: "rate-limit"; resetInMs?: number; count?: number; path?: string }
  /** The order is booked; the answer never arrives (held until `holdMs`, then the socket is dropped). */
  | { kind: "timeout-after-accept"; count?: number; holdMs?: number };

class BybitError extends Error {
  constructor(
    public readonly retCode: number,
    message: string,
    public readonly status = 200,
  ) {
    super(message);
  }
}

const isOpen = (o: BybitSimOrder) => o.status === "New" || o.status === "PartiallyFilled";
const isWaiting = (o: BybitSimOrder) => o.status === "Untriggered";
/** Unified accounts list every kind of order unless `orderFilter` narrows it. */
const kindMatches = (o: BybitSimOrder, filter: unknown) => !filter || (filter === "StopOrder" ? o.stopOrderType === "Stop" : filter === "Order" ? !o.stopOrderType : false);
const str = (d: Decimal) => d.toFixed();

export class BybitSimulator {
  readonly markets = new Map<string, BybitSimMarket>();
  readonly prices = new Map<string, Decimal>();
  readonly accounts = new Map<string, BybitSimAccount>();
  readonly requests: { method: string; path: string; query: string; body: string }[] = [];
  /** Leave `cumFeeDetail` out of order answers (older unified accounts), so fees come from executions. */
  omitFeeDetail = false;
  private faults: (BybitFault & { left: number })[] = [];
  private server?: http.Server;
  private held = new Set<http.ServerResponse>();
  private nextExec = 1;
  /** USDT perpetuals (`category=linear`) of every account, on the shared perpetual desk. */
  readonly linear = bybitLinearDesk();

  constructor(markets: BybitSimMarket[] = BYBIT_MARKETS) {
    for (const m of markets) this.markets.set(m.symbol, m);
    this.reset();
  }

  reset() {
    this.prices.clear();
    for (const [s, p] of Object.entries(DEFAULT_PRICES)) if (this.markets.has(s)) this.prices.set(s, new Decimal(p));
    this.accounts.clear();
    this.linear?.reset();
    this.faults = [];
    this.requests.length = 0;
    this.omitFeeDetail = false;
  }

  addAccount(opts: { apiKey: string; secret: string; balances?: Record<string, string>; canWithdraw?: boolean; readOnly?: boolean; ips?: string[]; linear?: boolean }) {
    const balances = new Map<string, { free: Decimal; locked: Decimal }>();
    for (const [coin, free] of Object.entries(opts.balances ?? { USDT: "10000" })) balances.set(coin, { free: new Decimal(free), locked: new Decimal(0) });
    this.accounts.set(opts.apiKey, {
      apiKey: opts.apiKey,
      secret: opts.secret,
      canWithdraw: opts.canWithdraw ?? false,
      readOnly: opts.readOnly ?? false,
      ips: opts.ips ?? ["*"],
      balances,
      orders: [],
      executions: [],
      linear: opts.linear,
    });
  }

  account(apiKey: string) {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`no simulator account ${apiKey}`);
    return account;
  }

  /** Moves the last price and fills the resting limit orders it crosses, at their limit price, as makers. */
  setPrice(symbol: string, price: string) {
    const p = new Decimal(price);
    this.prices.set(symbol, p);
    for (const account of this.accounts.values()) {
      for (const order of account.orders) {
        if (order.symbol !== symbol || !isOpen(order) || order.orderType !== "Limit") continue;
        const crosses = order.side === "Buy" ? p.lte(order.price) : p.gte(order.price);
        if (crosses) this.fill(account, order, order.qty.sub(order.cumExecQty), order.price, true);
      }
      for (const order of account.orders) {
        if (order.symbol !== symbol || !isWaiting(order)) continue;
        if (order.triggerDirection === 1 ? p.gte(order.triggerPrice!) : p.lte(order.triggerPrice!)) this.fire(account, order);
      }
    }
  }

  injectFault(fault: BybitFault) {
    this.faults.push({ ...fault, left: fault.count ?? 1 });
  }

  clearFaults() {
    this.faults = [];
  }

  /** Bybit's v5 rule: hex HMAC-SHA256(secret, timestamp + apiKey + recvWindow + (queryString | jsonBody)). */
  static sign(secret: string, timestamp: string, apiKey: string, recvWindow: string, payload: string) {
    return createHmac("sha256", secret).update(timestamp + apiKey + recvWindow + payload).digest("hex");
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
    const rawUrl = req.url ?? "/";
    const url = new URL(rawUrl, "http://sim");
    const method = req.method ?? "GET";
    const query = rawUrl.includes("?") ? rawUrl.slice(rawUrl.indexOf("?") + 1) : "";
    this.requests.push({ method, path: url.pathname, query, body });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    const answer = (retCode: number, retMsg: string, result: unknown = {}) => ({ retCode, retMsg, result, retExtInfo: {}, time: Date.now() });

    const fault = this.takeFault(url.pathname);
    if (fault?.kind === "status") {
      if (fault.status === 502) {
        res.writeHead(502, { "Content-Type": "text/html" });
        return res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
      }
      return send(fault.status, answer(10016, "Internal system error."));
    }
    if (fault?.kind === "rate-limit") {
      const reset = Date.now() + (fault.resetInMs ?? 2_000);
      return send(200, answer(10006, "Too many visits. Exceeded the API Rate Limit."), {
        "X-Bapi-Limit": "20",
        "X-Bapi-Limit-Status": "0",
        "X-Bapi-Limit-Reset-Timestamp": String(reset),
      });
    }

    try {
      const params = method === "GET" ? Object.fromEntries(url.searchParams) : body ? (JSON.parse(body) as Record<string, unknown>) : {};
      let account: BybitSimAccount | undefined;
      if (!url.pathname.startsWith("/v5/market/")) account = this.authenticate(req.headers, method === "GET" ? query : body);
      const result = this.route(method, url.pathname, params, account);
      if (fault?.kind === "timeout-after-accept") {
        this.held.add(res);
        setTimeout(() => {
          this.held.delete(res);
          res.destroy();
        }, fault.holdMs ?? 30_000).unref();
        return;
      }
      send(200, answer(0, "OK", result), account ? { "X-Bapi-Limit": "20", "X-Bapi-Limit-Status": "19", "X-Bapi-Limit-Reset-Timestamp": String(Date.now() + 1000) } : {});
    } catch (error) {
      if (error instanceof BybitError) return send(error.status, answer(error.retCode, error.message));
      if (error instanceof BybitLinearRefusal) return send(200, answer(error.retCode, error.message));
      send(500, answer(10016, String(error)));
    }
  }

  private takeFault(path: string) {
    const index = this.faults.findIndex((f) => (f.kind === "timeout-after-accept" ? path === "/v5/order/create" : !f.path || f.path === path));
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private authenticate(headers: http.IncomingHttpHeaders, payload: string): BybitSimAccount {
    const header = (name: string) => {
      const v = headers[name];
      return typeof v === "string" ? v : undefined;
    };
    const apiKey = header("x-bapi-api-key");
    const sign = header("x-bapi-sign");
    const timestamp = header("x-bapi-timestamp");
    const recvWindow = header("x-bapi-recv-window") ?? "5000";
    if (!apiKey || !sign || !timestamp) throw new BybitError(10003, "API key is invalid.", 401);
    const account = this.accounts.get(apiKey);
    if (!account) throw new BybitError(10003, "API key is invalid.", 401);
    const now = Date.now();
    const ts = Number(timestamp);
    // Bybit: server_time - recv_window <= timestamp < server_time + 1000.
    if (!Number.isFinite(ts) || ts < now - Number(recvWindow) || ts >= now + 1000) {
      throw new BybitError(10002, `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${now}],recv_window[${recvWindow}]`);
    }
    const expected = Buffer.from(BybitSimulator.sign(account.secret, timestamp, apiKey, recvWindow, payload));
    const given = Buffer.from(sign);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new BybitError(10004, "error sign! origin_string[...]", 401);
    }
    return account;
  }

  private market(symbol: unknown): BybitSimMarket {
    const m = typeof symbol === "string" ? this.markets.get(symbol) : undefined;
    if (!m) throw new BybitError(10001, "params error: symbol invalid");
    return m;
  }

  private route(method: string, path: string, p: Record<string, unknown>, account: BybitSimAccount | undefined): unknown {
    const key = `${method} ${path}`;
    if (key === "GET /v5/market/time") return { timeSecond: String(Math.floor(Date.now() / 1000)), timeNano: `${Date.now()}000000` };
    const linear = bybitLinearRoute(this.linear, key, p, account?.apiKey);
    if (linear !== null) return linear;
    if (key === "GET /v5/market/instruments-info") return this.instruments(p);
    if (key === "GET /v5/market/tickers") return this.tickers(p);
    const acc = account!;
    switch (key) {
      case "GET /v5/user/query-api":
        return this.keyInfo(acc);
      case "GET /v5/account/info":
        return { marginMode: "REGULAR_MARGIN", updatedTime: String(Date.now()), unifiedMarginStatus: 5, dcpStatus: "OFF", timeWindow: 10, smpGroup: 0, isMasterTrader: false, spotHedgingStatus: "OFF" };
      case "GET /v5/account/wallet-balance":
        if (p.accountType !== "UNIFIED") throw new BybitError(10001, "accountType only support UNIFIED.");
        return this.wallet(acc);
      case "POST /v5/order/create":
        return this.create(acc, p);
      case "POST /v5/order/cancel":
        return this.cancel(acc, p);
      case "POST /v5/order/cancel-all":
        return this.cancelAll(acc, p);
      case "GET /v5/order/realtime":
        return this.orderList(acc, p, true);
      case "GET /v5/order/history":
        return this.orderList(acc, p, false);
      case "GET /v5/execution/list":
        return this.executionList(acc, p);
      default:
        throw new BybitError(10017, `request path not found or request method is invalid: ${key}`, 404);
    }
  }

  private spotOnly(p: Record<string, unknown>) {
    if (p.category !== "spot") throw new BybitError(10001, "params error: category only support spot in this simulator");
  }

  private instruments(p: Record<string, unknown>) {
    this.spotOnly(p);
    return {
      category: "spot",
      list: [...this.markets.values()].map((m) => ({
        symbol: m.symbol,
        baseCoin: m.base,
        quoteCoin: m.quote,
        innovation: "0",
        status: "Trading",
        marginTrading: "utaOnly",
        lotSizeFilter: { basePrecision: m.basePrecision, quotePrecision: "0.00000001", minOrderQty: m.minOrderQty, maxOrderQty: "71.73956243", minOrderAmt: m.minOrderAmt, maxOrderAmt: "2000000" },
        priceFilter: { tickSize: m.tickSize },
      })),
    };
  }

  private tickers(p: Record<string, unknown>) {
    this.spotOnly(p);
    const markets = p.symbol ? [this.market(p.symbol)] : [...this.markets.values()];
    return {
      category: "spot",
      list: markets.map((m) => {
        const last = this.prices.get(m.symbol) ?? new Decimal(0);
        return {
          symbol: m.symbol,
          bid1Price: str(last),
          bid1Size: "1",
          ask1Price: str(last),
          ask1Size: "1",
          lastPrice: str(last),
          prevPrice24h: str(last),
          price24hPcnt: "0",
          highPrice24h: str(last),
          lowPrice24h: str(last),
          turnover24h: "0",
          volume24h: "0",
        };
      }),
    };
  }

  private keyInfo(acc: BybitSimAccount) {
    return {
      id: "1",
      note: "simulator",
      apiKey: acc.apiKey,
      readOnly: acc.readOnly ? 1 : 0,
      secret: "",
      permissions: {
        ContractTrade: acc.readOnly ? [] : ["Order", "Position"],
        Spot: acc.readOnly ? [] : ["SpotTrade"],
        Wallet: acc.canWithdraw ? ["AccountTransfer", "SubMemberTransfer", "Withdraw"] : ["AccountTransfer"],
        Options: [],
        Derivatives: [],
        CopyTrading: [],
        BlockTrade: [],
        Exchange: [],
        NFT: [],
      },
      ips: acc.ips,
      type: 1,
      deadlineDay: 90,
      expiredAt: "2027-03-01T00:00:00Z",
      createdAt: "2026-12-01T00:00:00Z",
      unified: 0,
      uta: 1,
      userID: 24600000,
      inviterID: 0,
      vipLevel: "No VIP",
      mktMakerLevel: "0",
      affiliateID: 0,
      rsaPublicKey: "",
      isMaster: true,
    };
  }

  private wallet(acc: BybitSimAccount) {
    const coins = [...acc.balances].filter(([coin]) => !(acc.linear && coin === "USDT")).map(([coin, b]) => ({
      coin,
      equity: str(b.free.add(b.locked)),
      usdValue: "0",
      walletBalance: str(b.free.add(b.locked)),
      locked: str(b.locked),
      borrowAmount: "0",
      accruedInterest: "0",
      totalOrderIM: "0",
      totalPositionIM: "0",
      totalPositionMM: "0",
      unrealisedPnl: "0",
      cumRealisedPnl: "0",
      availableToWithdraw: "",
      marginCollateral: true,
      collateralSwitch: true,
    }));
    const all = acc.linear ? [...coins, bybitLinearCoin(this.linear, acc.apiKey)] : coins;
    return { list: [{ accountType: "UNIFIED", totalEquity: "0", totalWalletBalance: "0", totalAvailableBalance: "0", coin: all }] };
  }

  private balance(acc: BybitSimAccount, coin: string) {
    let b = acc.balances.get(coin);
    if (!b) {
      b = { free: new Decimal(0), locked: new Decimal(0) };
      acc.balances.set(coin, b);
    }
    return b;
  }

  private create(acc: BybitSimAccount, p: Record<string, unknown>) {
    this.spotOnly(p);
    if (acc.readOnly) throw new BybitError(10005, "Permission denied, please check your API key permissions.");
    const m = this.market(p.symbol);
    const side = p.side === "Sell" ? "Sell" : p.side === "Buy" ? "Buy" : null;
    const orderType = p.orderType === "Limit" ? "Limit" : p.orderType === "Market" ? "Market" : null;
    if (!side || !orderType) throw new BybitError(10001, "params error: side or orderType invalid");
    if (orderType === "Market" && p.marketUnit !== "baseCoin") throw new BybitError(170130, "Data sent for paramter 'marketUnit' is not valid (the simulator takes base-coin market orders only).");
    const orderLinkId = typeof p.orderLinkId === "string" ? p.orderLinkId : "";
    if (orderLinkId.length > 36) throw new BybitError(10001, "params error: orderLinkId too long");
    if (orderLinkId && acc.orders.some((o) => o.orderLinkId === orderLinkId)) throw new BybitError(170141, "Duplicate clientOrderId.");
    const qty = new Decimal(String(p.qty));
    if (qty.lt(m.minOrderQty)) throw new BybitError(170136, "Order quantity lower than the minimum.");
    if (!qty.mod(m.basePrecision).isZero()) throw new BybitError(170137, "Order quantity has too many decimals.");
    const last = this.prices.get(m.symbol)!;
    const price = orderType === "Limit" ? new Decimal(String(p.price)) : new Decimal(0);
    if (orderType === "Limit" && !price.mod(m.tickSize).isZero()) throw new BybitError(170134, "Order price has too many decimals.");
    if (qty.mul(orderType === "Limit" ? price : last).lt(m.minOrderAmt)) throw new BybitError(170140, "Order value exceeded lower limit.");
    if (p.orderFilter !== undefined && p.orderFilter !== "Order" && p.orderFilter !== "StopOrder") throw new BybitError(170202, "Invalid orderFilter parameter.");
    const conditional = p.orderFilter === "StopOrder";
    const triggerPrice = conditional ? new Decimal(String(p.triggerPrice ?? "0")) : null;
    if (triggerPrice && (triggerPrice.lte(0) || !triggerPrice.mod(m.tickSize).isZero())) throw new BybitError(170134, "Order price has too many decimals.");
    // What must be free: quote for a buy (at the limit, or the last price), base for a sell.
    const need = side === "Buy" ? qty.mul(orderType === "Limit" ? price : last) : qty;
    const funds = this.balance(acc, side === "Buy" ? m.quote : m.base);
    if (funds.free.lt(need)) throw new BybitError(170131, "Insufficient balance.");
    const now = Date.now();
    if (triggerPrice) {
      // A conditional order reserves nothing until it fires.
      const waiting: BybitSimOrder = {
        orderId: randomUUID(),
        orderLinkId,
        symbol: m.symbol,
        side,
        orderType,
        price,
        qty,
        cumExecQty: new Decimal(0),
        cumExecValue: new Decimal(0),
        fees: new Map(),
        status: "Untriggered",
        createdTime: now,
        updatedTime: now,
        stopOrderType: "Stop",
        triggerPrice,
        triggerDirection: triggerPrice.gt(last) ? 1 : 2,
        lastPriceOnCreated: last,
      };
      acc.orders.push(waiting);
      return { orderId: waiting.orderId, orderLinkId };
    }
    const order: BybitSimOrder = {
      orderId: randomUUID(),
      orderLinkId,
      symbol: m.symbol,
      side,
      orderType,
      price,
      qty,
      cumExecQty: new Decimal(0),
      cumExecValue: new Decimal(0),
      fees: new Map(),
      status: "New",
      createdTime: now,
      updatedTime: now,
    };
    acc.orders.push(order);
    if (orderType === "Market") {
      this.fill(acc, order, qty, last, false);
    } else {
      funds.free = funds.free.sub(need);
      funds.locked = funds.locked.add(need);
      const marketable = side === "Buy" ? last.lte(price) : last.gte(price);
      if (marketable) this.fill(acc, order, qty, last, false);
    }
    // Bybit acknowledges with the ids only; the order's state comes from the order endpoints.
    return { orderId: order.orderId, orderLinkId: order.orderLinkId };
  }

  private fill(acc: BybitSimAccount, order: BybitSimOrder, qty: Decimal, price: Decimal, maker: boolean) {
    const m = this.markets.get(order.symbol)!;
    const value = qty.mul(price);
    const base = this.balance(acc, m.base);
    const quote = this.balance(acc, m.quote);
    let fee: Decimal;
    let feeCurrency: string;
    if (order.side === "Buy") {
      if (order.orderType === "Limit") {
        const reserved = qty.mul(order.price);
        quote.locked = quote.locked.sub(reserved);
        quote.free = quote.free.add(reserved).sub(value);
      } else {
        quote.free = quote.free.sub(value);
      }
      fee = qty.mul(FEE_RATE);
      feeCurrency = m.base;
      base.free = base.free.add(qty).sub(fee);
    } else {
      if (order.orderType === "Limit") base.locked = base.locked.sub(qty);
      else base.free = base.free.sub(qty);
      fee = value.mul(FEE_RATE);
      feeCurrency = m.quote;
      quote.free = quote.free.add(value).sub(fee);
    }
    const now = Date.now();
    order.cumExecQty = order.cumExecQty.add(qty);
    order.cumExecValue = order.cumExecValue.add(value);
    order.fees.set(feeCurrency, (order.fees.get(feeCurrency) ?? new Decimal(0)).add(fee));
    order.status = order.cumExecQty.gte(order.qty) ? "Filled" : "PartiallyFilled";
    order.updatedTime = now;
    acc.executions.push({
      execId: `e${this.nextExec++}`,
      orderId: order.orderId,
      orderLinkId: order.orderLinkId,
      symbol: order.symbol,
      side: order.side,
      orderType: order.orderType,
      execPrice: price,
      execQty: qty,
      execFee: fee,
      feeCurrency,
      isMaker: maker,
      execTime: now,
    });
  }

  /** A conditional order whose trigger the price crossed: placed now, or rejected when the coins are not there. */
  private fire(acc: BybitSimAccount, order: BybitSimOrder) {
    const m = this.markets.get(order.symbol)!;
    const last = this.prices.get(order.symbol)!;
    const need = order.side === "Buy" ? order.qty.mul(order.orderType === "Limit" ? order.price : last) : order.qty;
    const funds = this.balance(acc, order.side === "Buy" ? m.quote : m.base);
    order.updatedTime = Date.now();
    if (funds.free.lt(need)) {
      order.status = "Rejected";
      return;
    }
    order.status = "New";
    if (order.orderType === "Market") return this.fill(acc, order, order.qty, last, false);
    funds.free = funds.free.sub(need);
    funds.locked = funds.locked.add(need);
    if (order.side === "Buy" ? last.lte(order.price) : last.gte(order.price)) this.fill(acc, order, order.qty, last, false);
  }

  private release(acc: BybitSimAccount, order: BybitSimOrder) {
    if (isWaiting(order)) {
      order.status = "Deactivated";
      order.updatedTime = Date.now();
      return;
    }
    const m = this.markets.get(order.symbol)!;
    const left = order.qty.sub(order.cumExecQty);
    const funds = this.balance(acc, order.side === "Buy" ? m.quote : m.base);
    const amount = order.side === "Buy" ? left.mul(order.price) : left;
    funds.locked = funds.locked.sub(amount);
    funds.free = funds.free.add(amount);
    order.status = order.cumExecQty.gt(0) ? "PartiallyFilledCanceled" : "Cancelled";
    order.updatedTime = Date.now();
  }

  private cancel(acc: BybitSimAccount, p: Record<string, unknown>) {
    this.spotOnly(p);
    // A waiting conditional order is canceled as one (`orderFilter: StopOrder`); spot defaults to plain orders.
    const filter = p.orderFilter ?? "Order";
    const order = acc.orders.find(
      (o) =>
        o.symbol === p.symbol &&
        (isWaiting(o) ? filter === "StopOrder" : isOpen(o) && (filter === "Order" || o.stopOrderType === "Stop")) &&
        ((p.orderId && o.orderId === p.orderId) || (!p.orderId && p.orderLinkId && o.orderLinkId === p.orderLinkId)),
    );
    if (!order) throw new BybitError(170213, "Order does not exist.");
    this.release(acc, order);
    return { orderId: order.orderId, orderLinkId: order.orderLinkId };
  }

  private cancelAll(acc: BybitSimAccount, p: Record<string, unknown>) {
    this.spotOnly(p);
    const stops = p.orderFilter === "StopOrder";
    const open = acc.orders.filter((o) => (stops ? isWaiting(o) : isOpen(o) && !o.stopOrderType) && (!p.symbol || o.symbol === p.symbol));
    for (const order of open) this.release(acc, order);
    return { list: open.map((o) => ({ orderId: o.orderId, orderLinkId: o.orderLinkId })), success: "1" };
  }

  private orderList(acc: BybitSimAccount, p: Record<string, unknown>, open: boolean) {
    this.spotOnly(p);
    const limit = Math.min(Number(p.limit ?? (open ? 20 : 20)), 50);
    const list = acc.orders
      .filter((o) => (open ? isOpen(o) || isWaiting(o) : !isOpen(o) && !isWaiting(o)))
      .filter((o) => kindMatches(o, p.orderFilter))
      .filter((o) => !p.symbol || o.symbol === p.symbol)
      .filter((o) => !p.orderId || o.orderId === p.orderId)
      .filter((o) => !p.orderLinkId || o.orderLinkId === p.orderLinkId)
      .filter((o) => !p.orderStatus || o.status === p.orderStatus)
      .sort((a, b) => b.createdTime - a.createdTime)
      .slice(0, limit);
    return { category: "spot", nextPageCursor: "", list: list.map((o) => this.orderInfo(o)) };
  }

  private orderInfo(o: BybitSimOrder) {
    const avg = o.cumExecQty.gt(0) ? o.cumExecValue.div(o.cumExecQty) : null;
    const fee = [...o.fees.values()].reduce((s, f) => s.add(f), new Decimal(0));
    return {
      orderId: o.orderId,
      orderLinkId: o.orderLinkId,
      blockTradeId: "",
      symbol: o.symbol,
      price: str(o.price),
      qty: str(o.qty),
      side: o.side,
      isLeverage: "0",
      positionIdx: 0,
      orderStatus: o.status,
      cancelType: "UNKNOWN",
      rejectReason: "EC_NoError",
      avgPrice: avg ? str(avg) : "",
      leavesQty: str(isOpen(o) || isWaiting(o) ? o.qty.sub(o.cumExecQty) : new Decimal(0)),
      leavesValue: "0",
      cumExecQty: str(o.cumExecQty),
      cumExecValue: str(o.cumExecValue),
      cumExecFee: str(fee),
      ...(this.omitFeeDetail ? {} : { cumFeeDetail: Object.fromEntries([...o.fees].map(([c, f]) => [c, str(f)])) }),
      timeInForce: o.orderType === "Market" ? "IOC" : "GTC",
      orderType: o.orderType,
      stopOrderType: o.stopOrderType ?? "",
      orderIv: "",
      marketUnit: o.orderType === "Market" ? "baseCoin" : "",
      triggerPrice: o.triggerPrice ? str(o.triggerPrice) : "0",
      takeProfit: "0",
      stopLoss: "0",
      triggerDirection: o.triggerDirection ?? 0,
      triggerBy: o.triggerPrice ? "LastPrice" : "",
      lastPriceOnCreated: o.lastPriceOnCreated ? str(o.lastPriceOnCreated) : "",
      reduceOnly: false,
      closeOnTrigger: false,
      smpType: "None",
      smpGroup: 0,
      smpOrderId: "",
      createdTime: String(o.createdTime),
      updatedTime: String(o.updatedTime),
    };
  }

  private executionList(acc: BybitSimAccount, p: Record<string, unknown>) {
    this.spotOnly(p);
    const list = acc.executions
      .filter((e) => !p.symbol || e.symbol === p.symbol)
      .filter((e) => !p.orderId || e.orderId === p.orderId)
      .filter((e) => !p.orderLinkId || e.orderLinkId === p.orderLinkId)
      .sort((a, b) => b.execTime - a.execTime)
      .slice(0, Math.min(Number(p.limit ?? 50), 100));
    return {
      category: "spot",
      nextPageCursor: "",
      list: list.map((e) => ({
        symbol: e.symbol,
        orderId: e.orderId,
        orderLinkId: e.orderLinkId,
        side: e.side,
        orderPrice: "",
        orderQty: "",
        leavesQty: "0",
        createType: undefined,
        orderType: e.orderType,
        stopOrderType: "",
        execFee: str(e.execFee),
        feeCurrency: e.feeCurrency,
        execId: e.execId,
        execPrice: str(e.execPrice),
        execQty: str(e.execQty),
        execType: "Trade",
        execValue: str(e.execQty.mul(e.execPrice)),
        execTime: String(e.execTime),
        isMaker: e.isMaker,
        feeRate: str(FEE_RATE),
        markPrice: "",
        indexPrice: "",
        underlyingPrice: "",
        blockTradeId: "",
        closedSize: "",
        seq: 1,
      })),
    };
  }
}
