import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Decimal from "decimal.js";
import { bybitLinearCoin, bybitLinearDesk, BybitLinearRefusal, bybitLinearRoute } from "./bybit-linear";
import { SpotDesk, SpotRefusal, type SpotFill, type SpotOrder, type SpotRefusalKind } from "./spot-desk";

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
 * Spot balances, orders and executions live on the shared spot desk (`spot-desk.ts`: market orders fill
 * whole at the last price, limit orders rest and fill when `setPrice` crosses them), USDT perpetuals on the
 * shared perpetual desk (`bybit-linear.ts`); this file is Bybit's protocol: signing, faults, codes, shapes.
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
const FEE_RATE = "0.001";

// Untriggered / Deactivated: a spot conditional order (`orderFilter: StopOrder`) waiting, or canceled before it fired.
type Status = "New" | "PartiallyFilled" | "Filled" | "Cancelled" | "PartiallyFilledCanceled" | "Rejected" | "Untriggered" | "Deactivated";

/** A view of a desk order in Bybit's terms (rebuilt on each read). */
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

/** A view of a desk fill in Bybit's terms (rebuilt on each read). */
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
  /** The spot desk's balances of the account (the same map). */
  balances: Map<string, { free: Decimal; locked: Decimal }>;
  readonly orders: BybitSimOrder[];
  readonly executions: BybitSimExecution[];
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
const SIDE = { buy: "Buy", sell: "Sell" } as const;
const TYPE = { market: "Market", limit: "Limit" } as const;

function bybitStatus(o: SpotOrder): Status {
  const some = o.filled.gt(0);
  switch (o.status) {
    case "open":
      return some ? "PartiallyFilled" : "New";
    case "filled":
      return "Filled";
    case "canceled":
    case "expired":
      return some ? "PartiallyFilledCanceled" : "Cancelled";
    case "rejected":
      return "Rejected";
    case "waiting":
      return "Untriggered";
    case "deactivated":
      return "Deactivated";
  }
}

const bybitOrder = (o: SpotOrder): BybitSimOrder => ({
  orderId: o.id,
  orderLinkId: o.clientId,
  symbol: o.market,
  side: SIDE[o.side],
  orderType: TYPE[o.type],
  price: o.price,
  qty: o.qty,
  cumExecQty: o.filled,
  cumExecValue: o.filledQuote,
  fees: o.fees,
  status: bybitStatus(o),
  createdTime: o.createdAt,
  updatedTime: o.updatedAt,
  ...(o.trigger
    ? { stopOrderType: "Stop" as const, triggerPrice: o.trigger.price, triggerDirection: o.trigger.direction === "rise" ? (1 as const) : (2 as const), lastPriceOnCreated: o.trigger.lastAtCreation }
    : {}),
});

const bybitExecution = (f: SpotFill): BybitSimExecution => ({
  execId: f.id,
  orderId: f.orderId,
  orderLinkId: f.clientId,
  symbol: f.market,
  side: SIDE[f.side],
  orderType: TYPE[f.type],
  execPrice: f.price,
  execQty: f.qty,
  execFee: f.fee,
  feeCurrency: f.feeCoin,
  isMaker: f.maker,
  execTime: f.time,
});

/** The desk's refusals as Bybit answers them. */
const SPOT_CODES: Record<SpotRefusalKind, [number, string]> = {
  unknown_market: [10001, "params error: symbol invalid"],
  duplicate_client_id: [170141, "Duplicate clientOrderId."],
  insufficient: [170131, "Insufficient balance."],
  not_found: [170213, "Order does not exist."],
  finished: [170213, "Order does not exist."],
  bad_size: [170137, "Order quantity has too many decimals."],
  bad_price: [170134, "Order price has too many decimals."],
  below_minimum: [170136, "Order quantity lower than the minimum."],
  below_notional: [170140, "Order value exceeded lower limit."],
};
/** Unified accounts list every kind of order unless `orderFilter` narrows it. */
const kindMatches = (o: BybitSimOrder, filter: unknown) => !filter || (filter === "StopOrder" ? o.stopOrderType === "Stop" : filter === "Order" ? !o.stopOrderType : false);
const str = (d: Decimal) => d.toFixed();

export class BybitSimulator {
  readonly markets = new Map<string, BybitSimMarket>();
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
  /** Spot balances, orders and executions of every account. */
  readonly spot: SpotDesk;

  constructor(markets: BybitSimMarket[] = BYBIT_MARKETS) {
    for (const m of markets) this.markets.set(m.symbol, m);
    this.spot = new SpotDesk(
      markets.map((m) => ({ id: m.symbol, base: m.base, quote: m.quote, tickSize: m.tickSize, lotSize: m.basePrecision, minQty: m.minOrderQty, minNotional: m.minOrderAmt, price: DEFAULT_PRICES[m.symbol] ?? "0" })),
      () => randomUUID(),
      { takerRate: FEE_RATE, makerRate: FEE_RATE, fillId: () => `e${this.nextExec++}` },
    );
    this.reset();
  }

  /** Last prices, by symbol (the spot desk's). */
  get prices() {
    return this.spot.prices;
  }

  reset() {
    this.spot.reset();
    this.accounts.clear();
    this.linear?.reset();
    this.faults = [];
    this.requests.length = 0;
    this.omitFeeDetail = false;
  }

  addAccount(opts: { apiKey: string; secret: string; balances?: Record<string, string>; canWithdraw?: boolean; readOnly?: boolean; ips?: string[]; linear?: boolean }) {
    const desk = this.spot;
    const key = opts.apiKey;
    desk.accounts.delete(key);
    for (const [coin, free] of Object.entries(opts.balances ?? { USDT: "10000" })) desk.setBalance(key, coin, free);
    this.accounts.set(key, {
      apiKey: key,
      secret: opts.secret,
      canWithdraw: opts.canWithdraw ?? false,
      readOnly: opts.readOnly ?? false,
      ips: opts.ips ?? ["*"],
      balances: desk.account(key).balances,
      get orders() {
        return desk.account(key).orders.map(bybitOrder);
      },
      get executions() {
        return desk.account(key).fills.map(bybitExecution);
      },
      linear: opts.linear,
    });
  }

  account(apiKey: string) {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`no simulator account ${apiKey}`);
    return account;
  }

  /** Moves the last price and fills the resting limit orders it crosses, at their limit price, as makers; fires crossed triggers. */
  setPrice(symbol: string, price: string) {
    this.spot.setPrice(symbol, price);
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
      if (error instanceof SpotRefusal) return send(200, answer(...SPOT_CODES[error.kind]));
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

  private create(acc: BybitSimAccount, p: Record<string, unknown>) {
    this.spotOnly(p);
    if (acc.readOnly) throw new BybitError(10005, "Permission denied, please check your API key permissions.");
    const m = this.market(p.symbol);
    const side = p.side === "Sell" ? "sell" : p.side === "Buy" ? "buy" : null;
    const type = p.orderType === "Limit" ? "limit" : p.orderType === "Market" ? "market" : null;
    if (!side || !type) throw new BybitError(10001, "params error: side or orderType invalid");
    if (type === "market" && p.marketUnit !== "baseCoin") throw new BybitError(170130, "Data sent for paramter 'marketUnit' is not valid (the simulator takes base-coin market orders only).");
    const orderLinkId = typeof p.orderLinkId === "string" ? p.orderLinkId : "";
    if (orderLinkId.length > 36) throw new BybitError(10001, "params error: orderLinkId too long");
    if (p.orderFilter !== undefined && p.orderFilter !== "Order" && p.orderFilter !== "StopOrder") throw new BybitError(170202, "Invalid orderFilter parameter.");
    // A spot conditional order (`orderFilter: StopOrder`) waits, reserving nothing, until its trigger fires.
    const order = this.spot.place(acc.apiKey, {
      market: m.symbol,
      side,
      type,
      qty: String(p.qty),
      price: type === "limit" ? String(p.price) : undefined,
      clientId: orderLinkId,
      trigger: p.orderFilter === "StopOrder" ? { price: String(p.triggerPrice ?? "0") } : undefined,
    });
    // Bybit acknowledges with the ids only; the order's state comes from the order endpoints.
    return { orderId: order.id, orderLinkId: order.clientId };
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
    this.spot.cancel(acc.apiKey, order.symbol, { id: order.orderId });
    return { orderId: order.orderId, orderLinkId: order.orderLinkId };
  }

  private cancelAll(acc: BybitSimAccount, p: Record<string, unknown>) {
    this.spotOnly(p);
    const symbol = typeof p.symbol === "string" && p.symbol ? p.symbol : undefined;
    const canceled =
      p.orderFilter === "StopOrder"
        ? this.spot.cancelAll(acc.apiKey, symbol, { statuses: ["waiting"] })
        : this.spot.cancelAll(acc.apiKey, symbol, { statuses: ["open"], conditional: false });
    return { list: canceled.map((o) => ({ orderId: o.id, orderLinkId: o.clientId })), success: "1" };
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
        feeRate: FEE_RATE,
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
