import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Decimal from "decimal.js";
import { BinanceFutures, FuturesError } from "./binance-futures";
import { klines, type PricePoint } from "./binance-klines";
import { SpotDesk, SpotRefusal, type DepthLevel, type DepthSpec, type SpotFeeHook, type SpotOrder, type SpotPlaceRequest, type SpotRefusalKind, type SpotStatus } from "./spot-desk";

export type { DepthLevel, DepthSpec } from "./spot-desk";

/**
 * A local stand-in for the part of Binance's spot REST API that ccxt's binance class uses for accounts,
 * balances and orders. Signatures are checked exactly as Binance does (HMAC-SHA256 over query string
 * followed by body), and `newClientOrderId` behaves as on Binance: refused only while an earlier order
 * with that id is still open. Faults (latency, 429/418 with Retry-After, 5xx, "accepted but the response
 * never arrives") are injected through `/__sim/*` or the methods below.
 *
 * Opt-in extras (none changes what happens when it is not used):
 * - order book depth (`setDepth`): market orders walk the book, fill at several prices and, when the
 *   book runs out, fill partly with the rest EXPIRED;
 * - a price path (`walkPrice`) and partial fills of resting limit orders (`setLimitFillRatio`);
 * - conditional orders STOP_LOSS, STOP_LOSS_LIMIT, TAKE_PROFIT, TAKE_PROFIT_LIMIT and LIMIT_MAKER;
 * - OCO order lists (`POST /api/v3/orderList/oco`, the deprecated `POST /api/v3/order/oco`,
 *   `GET|DELETE /api/v3/orderList`, `GET /api/v3/openOrderList`, `GET /api/v3/allOrderList`);
 * - request weight per IP (every key counts as one IP) in a rolling window, reported in
 *   `X-MBX-USED-WEIGHT-1M`, with 429 (-1003, Retry-After) past the limit and a 418 ban for clients that
 *   keep going (`setWeightLimit`, default 6000 per minute as on Binance);
 * - fees paid in BNB (`payFeesInBnb`): each fill's commission is taken in BNB at a quarter off while the
 *   account's free BNB covers it, else in the asset received, so one order can pay in two currencies;
 * - a fill of a resting order at a chosen price and time (`fillResting`).
 *
 * Spot balances, orders, fills and matching (depth, partial and resting fills, stops, order lists with one
 * shared lock, time in force, the fee hook for BNB) live on the shared spot desk (`spot-desk.ts`); this file
 * is Binance's protocol: routes, signing, weights and bans, faults, Binance's codes and JSON shapes, and the
 * USDT-M futures protocol (on the shared perpetual desk). `account(key).orders` are views of the desk's orders in Binance's terms (what a test
 * sets on them — executedQty, status, fills pushed — writes through to the desk).
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
type Side = "BUY" | "SELL";
type TimeInForce = "GTC" | "IOC" | "FOK";

export type SimOrderType = "MARKET" | "LIMIT" | "LIMIT_MAKER" | "STOP_LOSS" | "STOP_LOSS_LIMIT" | "TAKE_PROFIT" | "TAKE_PROFIT_LIMIT";
const ORDER_TYPES: readonly SimOrderType[] = ["MARKET", "LIMIT", "LIMIT_MAKER", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"];

export interface SimFill {
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  tradeId: number;
  /** Simulator-only (never sent in an order answer): the fill rested on the book, and when it happened. */
  maker?: boolean;
  time?: number;
}

/** A view of a desk order in Binance's terms (the same object for the same order; fields read the desk). */
export interface SimOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: SimOrderType;
  /** The limit price; 0 for MARKET, STOP_LOSS and TAKE_PROFIT. */
  price: Decimal;
  origQty: Decimal;
  executedQty: Decimal;
  cummulativeQuoteQty: Decimal;
  status: Status;
  time: number;
  updateTime: number;
  fills: SimFill[];
  /** GTC when not set. */
  timeInForce?: TimeInForce;
  /** STOP_LOSS*, TAKE_PROFIT* only. */
  stopPrice?: Decimal;
  /** A conditional order whose stop price was reached: it now works as a limit (or has run as a market) order. */
  triggered?: boolean;
  /** -1 until a conditional order triggers; `time` when not set. */
  workingTime?: number;
  /** The order list (OCO) this order is a leg of. */
  orderListId?: number;
  /** For buys: quote held per unit of base (the limit price when not set). */
  lockPrice?: Decimal;
}

export interface SimOrderList {
  orderListId: number;
  listClientOrderId: string;
  symbol: string;
  contingencyType: "OCO";
  /** The legs, in the order Binance lists them. */
  orderIds: number[];
  transactionTime: number;
}

export interface SimAccount {
  apiKey: string;
  secret: string;
  canWithdraw: boolean;
  canTrade: boolean;
  /** The key only works from allow-listed IPs (what `apiRestrictions` reports; not enforced here). */
  ipRestrict: boolean;
  /** The spot desk's balances of the account (the same map). */
  balances: Map<string, { free: Decimal; locked: Decimal }>;
  readonly orders: SimOrder[];
  orderLists: SimOrderList[];
  /** Binance's "use BNB to pay for fees". */
  feesInBnb?: boolean;
}

export interface WeightOptions {
  /** Length of the rolling window (default 60 000 ms; the header keeps Binance's name `X-MBX-USED-WEIGHT-1M`). */
  windowMs?: number;
  /** Requests still sent after the first 429 that are answered 429 again before the IP is banned with 418 (default 5). */
  banAfter?: number;
  /** First ban length in seconds (default 120, Binance's minimum); it doubles for each further ban, up to 3 days. */
  banSeconds?: number;
}

export type Fault =
  // `apiKey`: only that account's requests (one account's venue trouble, not the whole IP's).
  | { kind: "status"; status: 429 | 418 | 500 | 502 | 503; retryAfter?: number; count?: number; path?: string; method?: string; apiKey?: string }
  | { kind: "timeout-after-accept"; count?: number; holdMs?: number; path?: string };

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
// Binance takes a quarter off a commission paid in BNB.
const BNB_DISCOUNT = new Decimal("0.75");
const DEFAULT_WEIGHT = { limit: 6000, windowMs: 60_000, banAfter: 5, banSeconds: 120 };
const MAX_BAN_SECONDS = 3 * 86_400;

/**
 * Request weights (Binance's published IP weights for the spot REST API). Anything not listed weighs 1.
 * A function receives the request's query parameters.
 */
export const REQUEST_WEIGHTS: Record<string, number | ((q: URLSearchParams) => number)> = {
  "GET /api/v3/ping": 1,
  "GET /api/v3/time": 1,
  "GET /api/v3/exchangeInfo": 20,
  "GET /api/v3/ticker/24hr": (q) => {
    if (q.get("symbol")) return 2;
    const list = q.get("symbols");
    if (!list) return 80;
    const n = list.split(",").length;
    return n <= 20 ? 2 : n <= 100 ? 40 : 80;
  },
  "GET /api/v3/ticker/price": (q) => (q.get("symbol") ? 2 : 4),
  "GET /api/v3/klines": (q) => {
    const n = Number(q.get("limit") ?? 500);
    return n < 100 ? 1 : n < 500 ? 2 : n <= 1000 ? 5 : 10;
  },
  "GET /api/v3/account": 20,
  "GET /api/v3/order": 4,
  "POST /api/v3/order": 1,
  "DELETE /api/v3/order": 1,
  "GET /api/v3/openOrders": (q) => (q.get("symbol") ? 6 : 80),
  "DELETE /api/v3/openOrders": 1,
  "GET /api/v3/allOrders": 20,
  "GET /api/v3/myTrades": (q) => (q.get("orderId") ? 5 : 20),
  "POST /api/v3/order/oco": 1,
  "POST /api/v3/orderList/oco": 1,
  "GET /api/v3/orderList": 4,
  "DELETE /api/v3/orderList": 1,
  "GET /api/v3/openOrderList": 6,
  "GET /api/v3/allOrderList": 20,
  "GET /sapi/v1/account/apiRestrictions": 1,
};

export function requestWeight(method: string, path: string, query: URLSearchParams) {
  const entry = REQUEST_WEIGHTS[`${method} ${path}`];
  return entry === undefined ? 1 : typeof entry === "number" ? entry : entry(query);
}

/** The desk's refusals as Binance answers them (the protocol layer checks most of these first, in Binance's order). */
const REFUSALS: Record<SpotRefusalKind, [number, string]> = {
  unknown_market: [-1121, "Invalid symbol."],
  duplicate_client_id: [-2010, "Duplicate order sent."],
  insufficient: [-2010, "Account has insufficient balance for requested action."],
  not_found: [-2013, "Order does not exist."],
  finished: [-2011, "Unknown order sent."],
  bad_size: [-1013, "Filter failure: LOT_SIZE"],
  below_minimum: [-1013, "Filter failure: LOT_SIZE"],
  bad_price: [-1013, "Filter failure: PRICE_FILTER"],
  below_notional: [-1013, "Filter failure: NOTIONAL"],
};

const DESK_STATUS: Record<Status, SpotStatus> = {
  NEW: "open",
  PARTIALLY_FILLED: "open",
  FILLED: "filled",
  CANCELED: "canceled",
  REJECTED: "rejected",
  EXPIRED: "expired",
};

export class BinanceSimulator {
  readonly markets = new Map<string, SimMarket>();
  /** Every price each symbol took, and when (the klines are built from it). */
  readonly pricePath = new Map<string, PricePoint[]>();
  readonly accounts = new Map<string, SimAccount>();
  readonly requests: { method: string; path: string }[] = [];
  /** Every 429 and 418 the weight limit answered (not injected faults), for tests that must see none. */
  readonly limitedAnswers: { status: 429 | 418; path: string; at: number }[] = [];
  /** USDT-M perpetuals (`/fapi/*`): positions, leverage, funding. */
  readonly futures = new BinanceFutures();
  /** Spot: balances, orders, fills, matching. */
  readonly desk: SpotDesk;
  private faults: (Fault & { left: number })[] = [];
  private latencyMs = 0;
  private nextOrderId = 1000;
  private nextOrderListId = 1;
  private nextTradeId = 1;
  private server?: http.Server;
  private held = new Set<http.ServerResponse>();
  private weight = { ...DEFAULT_WEIGHT };
  private weightLog: { at: number; weight: number }[] = [];
  private over429 = 0;
  private bannedUntil = 0;
  private bans = 0;
  private clockOffset = 0;
  private views = new WeakMap<SpotOrder, SimOrder>();
  /** Fills a test recorded on an order view itself, each after how many of the desk's fills of that order. */
  private outsideFills = new WeakMap<SpotOrder, { after: number; fill: SimFill }[]>();

  /**
   * Binance's commission (0.1 %, maker and taker): in BNB at a quarter off when the account pays fees with it
   * and its free BNB covers it (priced at the BNB market of the quote), else in the asset received.
   */
  private readonly commission: SpotFeeHook = ({ account, order, market, qty, price }) => {
    const cost = qty.mul(price);
    const fallback = order.side === "buy" ? { amount: qty.mul(COMMISSION), coin: market.base } : { amount: cost.mul(COMMISSION), coin: market.quote };
    if (!this.accounts.get(account)?.feesInBnb || market.base === "BNB" || market.quote === "BNB") return fallback;
    const bnbPrice = this.desk.prices.get(`BNB${market.quote}`);
    if (!bnbPrice || bnbPrice.lte(0)) return fallback;
    const amount = cost.mul(COMMISSION).mul(BNB_DISCOUNT).div(bnbPrice);
    if (this.desk.balance(account, "BNB").free.lt(amount)) return fallback;
    return { amount, coin: "BNB" };
  };

  constructor(markets: SimMarket[] = DEFAULT_MARKETS) {
    for (const m of markets) this.markets.set(m.symbol, m);
    this.desk = new SpotDesk(
      markets.map((m) => ({ id: m.symbol, base: m.base, quote: m.quote, tickSize: m.tickSize, lotSize: m.stepSize, minQty: m.minQty, minNotional: m.minNotional, price: DEFAULT_PRICES[m.symbol] ?? "0" })),
      () => String(this.nextOrderId++),
      { takerRate: COMMISSION.toFixed(), makerRate: COMMISSION.toFixed(), fee: this.commission, fillId: () => String(this.nextTradeId++), uniqueClientIds: "live" },
    );
    this.reset();
  }

  /** The last price of each symbol (the desk's). */
  get prices(): Map<string, Decimal> {
    return this.desk.prices;
  }

  /** Back to defaults: prices, no accounts, no faults, no depth, no partial fills, weight limit 6000 and nothing used. */
  reset() {
    this.futures.reset();
    this.desk.reset();
    for (const s of this.markets.keys()) if (!(s in DEFAULT_PRICES)) this.desk.prices.delete(s);
    this.pricePath.clear();
    for (const [s, p] of this.desk.prices) this.pricePath.set(s, [{ at: 0, price: p }]);
    this.accounts.clear();
    this.faults = [];
    this.latencyMs = 0;
    this.requests.length = 0;
    this.limitedAnswers.length = 0;
    this.weight = { ...DEFAULT_WEIGHT };
    this.weightLog = [];
    this.over429 = 0;
    this.bannedUntil = 0;
    this.bans = 0;
    this.clockOffset = 0;
  }

  addAccount(opts: { apiKey: string; secret: string; balances?: Record<string, string>; canWithdraw?: boolean; canTrade?: boolean; ipRestrict?: boolean }) {
    this.desk.accounts.delete(opts.apiKey);
    const spot = this.desk.account(opts.apiKey);
    for (const [asset, free] of Object.entries(opts.balances ?? { USDT: "10000" })) this.desk.setBalance(opts.apiKey, asset, free);
    const views = () => spot.orders.map((o) => this.view(opts.apiKey, o));
    this.accounts.set(opts.apiKey, {
      apiKey: opts.apiKey,
      secret: opts.secret,
      canWithdraw: opts.canWithdraw ?? false,
      canTrade: opts.canTrade ?? true,
      ipRestrict: opts.ipRestrict ?? false,
      balances: spot.balances,
      get orders() {
        return views();
      },
      orderLists: [],
    });
  }

  account(apiKey: string) {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`no simulator account ${apiKey}`);
    return account;
  }

  /** Binance's "use BNB to pay for fees" for one account. */
  payFeesInBnb(apiKey: string, on = true) {
    this.account(apiKey).feesInBnb = on;
  }

  /**
   * The book fills `qty` of a resting order at its limit price (or `price`), as a maker, at `time`
   * (now by default): funds, commission and status move as they would on Binance.
   */
  fillResting(apiKey: string, clientOrderId: string, qty: string, opts: { price?: string; time?: number } = {}) {
    this.account(apiKey);
    const order = this.desk.account(apiKey).orders.findLast((o) => o.clientId === clientOrderId && isOpen(o));
    if (!order) throw new Error(`no open simulator order ${clientOrderId}`);
    const q = new Decimal(qty);
    if (q.lte(0) || q.gt(order.qty.sub(order.filled))) throw new Error(`cannot fill ${qty} of ${clientOrderId}`);
    this.desk.fillResting(apiKey, order, qty, { price: opts.price, at: opts.time });
  }

  /**
   * Moves the price, then, in the order the orders were placed: fills resting limit orders it crosses, at
   * their limit price — whole, or `fillRatio` of the order's quantity (see `setLimitFillRatio`) — and
   * triggers the conditional orders it reaches (a triggered stop-limit fills at once if its limit allows,
   * else rests at its limit price; a triggered stop-market runs as a market order). When one leg of an
   * OCO triggers or fills, the other leg EXPIRES.
   */
  setPrice(symbol: string, price: string, opts: { fillRatio?: string | number; at?: number } = {}) {
    const p = new Decimal(price);
    const path = this.pricePath.get(symbol) ?? [];
    path.push({ at: opts.at ?? this.now(), price: p });
    path.sort((a, b) => a.at - b.at);
    if (path.length > 20_000) path.splice(1, path.length - 20_000);
    this.pricePath.set(symbol, path);
    this.desk.setPrice(symbol, price, { fillRatio: opts.fillRatio });
  }

  /** Applies each price in turn, so resting orders and stops trigger in order along the path. */
  walkPrice(symbol: string, prices: string[], opts: { fillRatio?: string | number } = {}) {
    for (const price of prices) this.setPrice(symbol, price, opts);
  }

  /**
   * Resting limit orders on `symbol` fill `ratio` (0 < ratio <= 1) of their quantity, rounded down to the
   * step size (at least one step), each time the price crosses them: PARTIALLY_FILLED with one fill per
   * step. `null` goes back to whole fills.
   */
  setLimitFillRatio(symbol: string, ratio: string | number | null) {
    this.desk.setFillRatio(symbol, ratio);
  }

  /** Gives `symbol` an order book that market (and marketable) orders walk; `null` goes back to "unlimited at the last price". */
  setDepth(symbol: string, spec: DepthSpec | null) {
    this.desk.setDepth(symbol, spec);
  }

  /** What is left of the book (the ladder as it stands at the last price). */
  depthOf(symbol: string): { bids?: DepthLevel[]; asks?: DepthLevel[] } | null {
    return this.desk.depthOf(symbol);
  }


  /** The IP's request-weight limit per window, and when a client that ignores 429 is banned. */
  setWeightLimit(limit: number, opts: WeightOptions = {}) {
    this.weight = {
      limit,
      windowMs: opts.windowMs ?? this.weight.windowMs,
      banAfter: opts.banAfter ?? this.weight.banAfter,
      banSeconds: opts.banSeconds ?? this.weight.banSeconds,
    };
  }

  /** Weight used in the current window (what `X-MBX-USED-WEIGHT-1M` says). */
  usedWeight() {
    return this.usedWeightAt(this.now());
  }

  /** Moves the simulator's rate-limit clock (weight window and bans only) forward, so tests need not wait. */
  advanceClock(ms: number) {
    this.clockOffset += ms;
  }

  injectFault(fault: Fault) {
    this.faults.push({ ...fault, left: fault.count ?? 1 });
  }

  /** The venue recovers: faults not yet used are dropped. */
  clearFaults() {
    this.faults = [];
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

  private now() {
    return Date.now() + this.clockOffset;
  }

  private weightHeaders() {
    return { "X-MBX-USED-WEIGHT-1M": String(this.usedWeight()) };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://sim");
    const method = req.method ?? "GET";
    if (url.pathname.startsWith("/__sim/")) return this.control(method, url.pathname, body, res);
    this.requests.push({ method, path: url.pathname });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));

    const apiKey = req.headers["x-mbx-apikey"];
    const fault = this.takeFault(url.pathname, method, typeof apiKey === "string" ? apiKey : undefined);
    if (fault?.kind === "status") {
      const headers: Record<string, string> = { "Content-Type": "application/json", ...this.weightHeaders() };
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

    const limited = this.rateLimit(method, url);
    if (limited) {
      this.limitedAnswers.push({ status: limited.status, path: url.pathname, at: Date.now() });
      res.writeHead(limited.status, { "Content-Type": "application/json", "Retry-After": String(limited.retryAfter), ...this.weightHeaders() });
      return res.end(JSON.stringify(limited.body));
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
      res.writeHead(200, { "Content-Type": "application/json", ...this.weightHeaders() });
      res.end(JSON.stringify(result));
    } catch (error) {
      if (error instanceof BinanceError) {
        res.writeHead(error.status, { "Content-Type": "application/json", ...this.weightHeaders() });
        return res.end(JSON.stringify({ code: error.code, msg: error.message }));
      }
      res.writeHead(500, { "Content-Type": "application/json", ...this.weightHeaders() });
      res.end(JSON.stringify({ code: -1000, msg: String(error) }));
    }
  }

  private takeFault(path: string, method: string, apiKey: string | undefined) {
    const index = this.faults.findIndex((f) =>
      f.kind === "status"
        ? (!f.path || f.path === path) && (!f.method || f.method === method) && (!f.apiKey || f.apiKey === apiKey)
        : path === (f.path ?? "/api/v3/order"),
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }

  // --- request weight ----------------------------------------------------------------------------

  private usedWeightAt(now: number) {
    const from = now - this.weight.windowMs;
    while (this.weightLog.length > 0 && this.weightLog[0]!.at <= from) this.weightLog.shift();
    return this.weightLog.reduce((sum, e) => sum + e.weight, 0);
  }

  /** Counts the request; answers 429 past the limit, and 418 (a ban) to a client that keeps sending after 429s. */
  private rateLimit(method: string, url: URL): { status: 429 | 418; retryAfter: number; body: { code: number; msg: string } } | undefined {
    const now = this.now();
    if (now < this.bannedUntil) return this.banned(now);
    const weight = requestWeight(method, url.pathname, url.searchParams);
    const used = this.usedWeightAt(now);
    if (used + weight <= this.weight.limit) {
      this.over429 = 0;
      this.weightLog.push({ at: now, weight });
      return undefined;
    }
    if (this.over429 > this.weight.banAfter) {
      this.bans += 1;
      const seconds = Math.min(this.weight.banSeconds * 2 ** (this.bans - 1), MAX_BAN_SECONDS);
      this.bannedUntil = now + seconds * 1000;
      this.over429 = 0;
      return this.banned(now);
    }
    this.over429 += 1;
    // Seconds until enough of the window has expired for this request to fit.
    let left = used;
    let waitMs = this.weight.windowMs;
    for (const entry of this.weightLog) {
      if (left + weight <= this.weight.limit) break;
      left -= entry.weight;
      waitMs = entry.at + this.weight.windowMs - now;
    }
    return {
      status: 429,
      retryAfter: Math.max(1, Math.ceil(waitMs / 1000)),
      body: {
        code: -1003,
        msg: `Too much request weight used; current limit is ${this.weight.limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
      },
    };
  }

  private banned(now: number) {
    return {
      status: 418 as const,
      retryAfter: Math.max(1, Math.ceil((this.bannedUntil - now) / 1000)),
      body: {
        code: -1003,
        msg: `Way too much request weight used; IP banned until ${this.bannedUntil}. Please use WebSocket Streams for live updates to avoid bans.`,
      },
    };
  }

  // --- control routes ----------------------------------------------------------------------------

  private control(method: string, path: string, body: string, res: http.ServerResponse) {
    const fail = (status: number, message: string) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: message }));
    };
    let data: Record<string, unknown>;
    try {
      data = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return fail(400, "body is not JSON");
    }
    const ok = (value: unknown = { ok: true }) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(value));
    };
    try {
      if (path === "/__sim/reset") return (this.reset(), ok());
      if (path === "/__sim/accounts" && method === "POST") return (this.addAccount(data as never), ok());
      if (path === "/__sim/price" && method === "POST") {
        const fillRatio = data.fillRatio as string | number | undefined;
        return (this.setPrice(String(data.symbol), String(data.price), { fillRatio }), ok());
      }
      if (path === "/__sim/history" && method === "POST") {
        // Past prices for the klines only: the current price and the orders are left alone.
        const points = (data.points as { at: number; price: string }[]).map((p) => ({ at: Number(p.at), price: new Decimal(p.price) }));
        const list = this.pricePath.get(String(data.symbol)) ?? [];
        list.push(...points);
        list.sort((a, b) => a.at - b.at);
        this.pricePath.set(String(data.symbol), list);
        return ok();
      }
      if (path === "/__sim/walk" && method === "POST") {
        const fillRatio = data.fillRatio as string | number | undefined;
        return (this.walkPrice(String(data.symbol), (data.prices as unknown[]).map(String), { fillRatio }), ok());
      }
      if (path === "/__sim/depth" && method === "POST") {
        const { symbol, ...spec } = data;
        const empty = Object.keys(spec).length === 0 || (spec as { clear?: boolean }).clear === true;
        return (this.setDepth(String(symbol), empty ? null : (spec as DepthSpec)), ok());
      }
      if (path === "/__sim/fill-ratio" && method === "POST") {
        const ratio = data.ratio === null || data.ratio === undefined ? null : (data.ratio as string | number);
        return (this.setLimitFillRatio(String(data.symbol), ratio), ok());
      }
      if (path === "/__sim/weight" && method === "POST") {
        return (this.setWeightLimit(Number(data.limit), data as WeightOptions), ok({ used: this.usedWeight() }));
      }
      if (path === "/__sim/clock" && method === "POST") return (this.advanceClock(Number(data.advanceMs) || 0), ok());
      if (path === "/__sim/faults" && method === "POST") return (this.injectFault(data as Fault), ok());
      if (path === "/__sim/latency" && method === "POST") return (this.setLatency(Number(data.ms) || 0), ok());
      if (path === "/__sim/state") {
        return ok({
          prices: Object.fromEntries([...this.prices].map(([s, p]) => [s, p.toString()])),
          depth: Object.fromEntries([...this.markets.keys()].flatMap((s) => (this.desk.depthOf(s) ? [[s, this.desk.depthOf(s)]] : []))),
          fillRatios: Object.fromEntries([...this.desk.fillRatios].map(([s, r]) => [s, r.toString()])),
          weight: { used: this.usedWeight(), ...this.weight, bannedUntil: this.bannedUntil > this.now() ? this.bannedUntil : null },
          accounts: [...this.accounts.values()].map((a) => ({
            apiKey: a.apiKey,
            balances: Object.fromEntries([...a.balances].map(([k, v]) => [k, { free: v.free.toString(), locked: v.locked.toString() }])),
            orders: a.orders.map((o) => this.orderJson(o)),
            orderLists: a.orderLists.map((l) => this.listJson(a, l)),
          })),
        });
      }
    } catch (error) {
      return fail(400, error instanceof Error ? error.message : String(error));
    }
    res.writeHead(404).end();
  }

  // --- REST routes -------------------------------------------------------------------------------

  private route(method: string, url: URL, body: string, headers: http.IncomingHttpHeaders): unknown {
    const path = url.pathname;
    const q = url.searchParams;
    // USDT-M futures (tests/simulator/binance-futures.ts), signed the same way as spot.
    if (path.startsWith("/fapi/")) return this.routeFutures(method, url, body, headers);
    if (method === "GET" && path === "/api/v3/ping") return {};
    if (method === "GET" && path === "/api/v3/time") return { serverTime: Date.now() };
    if (method === "GET" && path === "/api/v3/exchangeInfo") return this.exchangeInfo();
    if (method === "GET" && (path === "/api/v3/ticker/24hr" || path === "/api/v3/ticker/price")) return this.tickers(q);
    if (method === "GET" && path === "/api/v3/klines") {
      const rows = klines(this.pricePath.get(this.market(q.get("symbol")).symbol) ?? [], q, this.now());
      if (!Array.isArray(rows)) throw new BinanceError(400, rows.code, rows.msg);
      return rows;
    }

    const { account, params } = this.authenticate(url, body, headers);
    if (method === "GET" && path === "/api/v3/account") return this.accountJson(account);
    if (method === "GET" && path === "/sapi/v1/account/apiRestrictions") {
      return {
        ipRestrict: account.ipRestrict,
        createTime: 1700000000000,
        enableReading: true,
        enableWithdrawals: account.canWithdraw,
        enableInternalTransfer: false,
        enableMargin: false,
        enableFutures: account.canTrade,
        permitsUniversalTransfer: false,
        enableVanillaOptions: false,
        enableSpotAndMarginTrading: account.canTrade,
      };
    }
    if (method === "POST" && path === "/api/v3/order") return this.newOrder(account, params);
    if (method === "GET" && path === "/api/v3/order") return this.orderJson(this.view(account.apiKey, this.findOrder(account, params)));
    if (method === "DELETE" && path === "/api/v3/order") return this.cancel(account, this.findOrder(account, params, -2011));
    if (method === "DELETE" && path === "/api/v3/openOrders") {
      const symbol = this.market(params.get("symbol")).symbol;
      const open = this.spotOrders(account).filter((o) => o.market === symbol && isOpen(o));
      if (open.length === 0) throw new BinanceError(400, -2011, "Unknown order sent.");
      const out: unknown[] = [];
      for (const order of open) {
        if (!isOpen(order)) continue; // canceled with its list already
        const list = this.listOf(account, order);
        out.push(list ? this.cancelList(account, list) : this.cancel(account, order));
      }
      return out;
    }
    if (method === "GET" && path === "/api/v3/openOrders") {
      const symbol = params.get("symbol");
      return this.spotOrders(account)
        .filter((o) => isOpen(o) && (!symbol || o.market === symbol))
        .map((o) => this.orderJson(this.view(account.apiKey, o)));
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
            orderListId: o.orderListId ?? -1,
            price: f.price,
            qty: f.qty,
            quoteQty: new Decimal(f.price).mul(f.qty).toFixed(8),
            commission: f.commission,
            commissionAsset: f.commissionAsset,
            time: f.time ?? o.updateTime,
            isBuyer: o.side === "BUY",
            isMaker: f.maker ?? o.type === "LIMIT",
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
    if (method === "POST" && path === "/api/v3/orderList/oco") return this.newOco(account, params);
    if (method === "POST" && path === "/api/v3/order/oco") return this.newLegacyOco(account, params);
    if (method === "GET" && path === "/api/v3/orderList") {
      return this.listJson(account, this.findList(account, params, "origClientOrderId", -2013));
    }
    if (method === "DELETE" && path === "/api/v3/orderList") {
      this.market(params.get("symbol"));
      return this.cancelList(account, this.findList(account, params, "listClientOrderId", -2011));
    }
    if (method === "GET" && path === "/api/v3/openOrderList") {
      return account.orderLists.filter((l) => this.legs(account, l).some(isOpen)).map((l) => this.listJson(account, l));
    }
    if (method === "GET" && path === "/api/v3/allOrderList") {
      const limit = Math.min(Number(params.get("limit") ?? 500), 1000);
      return account.orderLists.slice(-limit).map((l) => this.listJson(account, l));
    }
    throw new BinanceError(404, -1000, `Simulator does not implement ${method} ${path}`);
  }

  private routeFutures(method: string, url: URL, body: string, headers: http.IncomingHttpHeaders): unknown {
    try {
      const open = this.futures.publicRoute(method, url.pathname, url.searchParams);
      if (open !== undefined) return open;
      const { account, params } = this.authenticate(url, body, headers);
      const answer = this.futures.privateRoute(method, url.pathname, account.apiKey, params);
      if (answer === undefined) throw new BinanceError(404, -1000, `No futures route ${method} ${url.pathname}`);
      return answer;
    } catch (error) {
      throw error instanceof FuturesError ? new BinanceError(error.status, error.code, error.message) : error;
    }
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
    if (!signature) throw mandatory("signature");
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
    if (!symbol) throw mandatory("symbol");
    const market = this.markets.get(symbol);
    if (!market) throw new BinanceError(400, -1121, "Invalid symbol.");
    return market;
  }


  // --- order placement ---------------------------------------------------------------------------

  private checkClientOrderId(account: SimAccount, clientOrderId: string) {
    if (this.spotOrders(account).some((o) => o.clientId === clientOrderId && isOpen(o))) {
      throw new BinanceError(400, -2010, "Duplicate order sent.");
    }
  }

  private quantity(params: URLSearchParams, market: SimMarket, name = "quantity") {
    const qty = decimalParam(params, name, true)!;
    if (qty.lt(market.minQty) || !qty.mod(market.stepSize).isZero()) throw new BinanceError(400, -1013, "Filter failure: LOT_SIZE");
    return qty;
  }

  /** Reads and checks the price, stop price and time in force an order type needs (Binance's mandatory parameters). */
  private leg(
    market: SimMarket,
    type: SimOrderType,
    params: URLSearchParams,
    names: { price: string; stopPrice: string; timeInForce: string },
    refuseExtras: boolean,
  ) {
    const needsPrice = type === "LIMIT" || type === "LIMIT_MAKER" || type === "STOP_LOSS_LIMIT" || type === "TAKE_PROFIT_LIMIT";
    const needsStop = isConditional(type);
    const needsTif = type === "LIMIT" || type === "STOP_LOSS_LIMIT" || type === "TAKE_PROFIT_LIMIT";
    if (params.get(names.stopPrice) === null && params.get("trailingDelta") !== null) {
      throw new BinanceError(400, -1000, "Simulator does not implement trailingDelta.");
    }
    const price = needsPrice ? decimalParam(params, names.price, true) : undefined;
    const stopPrice = needsStop ? decimalParam(params, names.stopPrice, true) : undefined;
    const tifText = needsTif ? params.get(names.timeInForce) : null;
    if (needsTif && !tifText) throw mandatory(names.timeInForce);
    if (refuseExtras) {
      if (!needsPrice && params.get(names.price) !== null) throw notRequired(names.price);
      if (!needsStop && params.get(names.stopPrice) !== null) throw notRequired(names.stopPrice);
      if (type === "MARKET" && params.get(names.timeInForce) !== null) throw notRequired(names.timeInForce);
    }
    if (tifText !== null && tifText !== "GTC" && tifText !== "IOC" && tifText !== "FOK") {
      throw new BinanceError(400, -1115, "Invalid timeInForce.");
    }
    for (const p of [price, stopPrice]) {
      if (p && (p.lte(0) || !p.mod(market.tickSize).isZero())) throw new BinanceError(400, -1013, "Filter failure: PRICE_FILTER");
    }
    return { price, stopPrice, timeInForce: (tifText ?? undefined) as TimeInForce | undefined };
  }

  /** Binance refuses a stop that would trigger at once, and a LIMIT_MAKER that would take. */
  private checkPlacement(side: Side, type: SimOrderType, price: Decimal | undefined, stopPrice: Decimal | undefined, last: Decimal) {
    if (isConditional(type) && triggers(side, type, stopPrice!, last)) {
      throw new BinanceError(400, -2010, "Stop price would trigger immediately.");
    }
    if (type === "LIMIT_MAKER" && marketable(side, price!, last)) {
      throw new BinanceError(400, -2010, "Order would immediately match and take.");
    }
  }

  private newOrder(account: SimAccount, params: URLSearchParams) {
    const market = this.market(params.get("symbol"));
    const side = params.get("side");
    const type = params.get("type");
    if (!side) throw mandatory("side");
    if (!type) throw mandatory("type");
    if (side !== "BUY" && side !== "SELL") throw new BinanceError(400, -1100, "Illegal characters found in parameter 'side'; legal range is 'BUY, SELL'.");
    if (!ORDER_TYPES.includes(type as SimOrderType)) throw new BinanceError(400, -1116, "Invalid orderType.");
    const orderType = type as SimOrderType;
    if (!account.canTrade) throw new BinanceError(400, -2010, "This action is disabled on this account.");
    const clientOrderId = params.get("newClientOrderId") ?? `sim${this.nextOrderId}`;
    this.checkClientOrderId(account, clientOrderId);
    if (orderType === "MARKET" && params.get("quantity") === null && params.get("quoteOrderQty") !== null) {
      throw new BinanceError(400, -1000, "Simulator does not implement quoteOrderQty.");
    }
    const qty = this.quantity(params, market);
    const leg = this.leg(market, orderType, params, { price: "price", stopPrice: "stopPrice", timeInForce: "timeInForce" }, true);
    const last = this.prices.get(market.symbol) ?? new Decimal(0);
    this.checkPlacement(side, orderType, leg.price, leg.stopPrice, last);
    if (qty.mul(leg.price ?? leg.stopPrice ?? last).lt(market.minNotional)) throw new BinanceError(400, -1013, "Filter failure: NOTIONAL");

    // Binance lists both assets of a symbol traded once, even at zero.
    this.desk.balance(account.apiKey, market.quote);
    this.desk.balance(account.apiKey, market.base);
    // A market order holds nothing (its funds are checked against its walk through the book); the others hold
    // theirs at their limit price (a stop-market buy at its stop price) from the start, stops included.
    const order = this.onDesk(() => this.desk.place(account.apiKey, deskRequest(market.symbol, side, orderType, qty, clientOrderId, leg)));
    const view = this.view(account.apiKey, order);

    const now = order.createdAt;
    const respType = params.get("newOrderRespType") ?? (orderType === "MARKET" || orderType === "LIMIT" ? "FULL" : "ACK");
    if (respType === "ACK") {
      return { symbol: view.symbol, orderId: view.orderId, orderListId: -1, clientOrderId, transactTime: now };
    }
    const full = { ...this.orderJson(view), transactTime: now, workingTime: view.workingTime ?? now };
    return respType === "FULL" ? { ...full, fills: view.fills.map(fillJson) } : full;
  }

  private newOco(account: SimAccount, params: URLSearchParams) {
    const market = this.market(params.get("symbol"));
    const side = this.sideParam(params);
    const qty = this.quantity(params, market);
    const legs = (["below", "above"] as const).map((pos) => {
      const type = params.get(`${pos}Type`);
      if (!type) throw mandatory(`${pos}Type`);
      if (!["STOP_LOSS", "STOP_LOSS_LIMIT", "LIMIT_MAKER", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"].includes(type)) {
        throw new BinanceError(400, -1116, "Invalid orderType.");
      }
      const spec = this.leg(market, type as SimOrderType, params, { price: `${pos}Price`, stopPrice: `${pos}StopPrice`, timeInForce: `${pos}TimeInForce` }, false);
      return { pos, type: type as SimOrderType, ...spec, clientOrderId: params.get(`${pos}ClientOrderId`) ?? undefined };
    });
    return this.placeOco(account, market, side, qty, legs, params);
  }

  /** Deprecated endpoint (`price` for the LIMIT_MAKER leg, `stopPrice` [+ `stopLimitPrice`] for the stop leg). */
  private newLegacyOco(account: SimAccount, params: URLSearchParams) {
    const market = this.market(params.get("symbol"));
    const side = this.sideParam(params);
    const qty = this.quantity(params, market);
    const price = decimalParam(params, "price", true)!;
    const stopPrice = decimalParam(params, "stopPrice", true)!;
    const stopLimitPrice = decimalParam(params, "stopLimitPrice", false);
    const tif = params.get("stopLimitTimeInForce");
    if (stopLimitPrice && !tif) throw mandatory("stopLimitTimeInForce");
    if (tif !== null && tif !== "GTC" && tif !== "IOC" && tif !== "FOK") throw new BinanceError(400, -1115, "Invalid timeInForce.");
    for (const p of [price, stopPrice, stopLimitPrice]) {
      if (p && (p.lte(0) || !p.mod(market.tickSize).isZero())) throw new BinanceError(400, -1013, "Filter failure: PRICE_FILTER");
    }
    const stopLeg = {
      pos: side === "SELL" ? ("below" as const) : ("above" as const),
      type: (stopLimitPrice ? "STOP_LOSS_LIMIT" : "STOP_LOSS") as SimOrderType,
      price: stopLimitPrice,
      stopPrice,
      timeInForce: stopLimitPrice ? ((tif ?? "GTC") as TimeInForce) : undefined,
      clientOrderId: params.get("stopClientOrderId") ?? undefined,
    };
    const limitLeg = {
      pos: side === "SELL" ? ("above" as const) : ("below" as const),
      type: "LIMIT_MAKER" as SimOrderType,
      price,
      stopPrice: undefined,
      timeInForce: undefined,
      clientOrderId: params.get("limitClientOrderId") ?? undefined,
    };
    return this.placeOco(account, market, side, qty, [stopLeg, limitLeg], params);
  }

  private sideParam(params: URLSearchParams): Side {
    const side = params.get("side");
    if (!side) throw mandatory("side");
    if (side !== "BUY" && side !== "SELL") throw new BinanceError(400, -1100, "Illegal characters found in parameter 'side'; legal range is 'BUY, SELL'.");
    return side;
  }

  private placeOco(
    account: SimAccount,
    market: SimMarket,
    side: Side,
    qty: Decimal,
    legs: {
      pos: "above" | "below";
      type: SimOrderType;
      price?: Decimal;
      stopPrice?: Decimal;
      timeInForce?: TimeInForce;
      clientOrderId?: string;
    }[],
    params: URLSearchParams,
  ) {
    if (!account.canTrade) throw new BinanceError(400, -2010, "This action is disabled on this account.");
    const stops = legs.filter((l) => l.type === "STOP_LOSS" || l.type === "STOP_LOSS_LIMIT");
    if (stops.length !== 1) throw new BinanceError(400, -1116, "Invalid orderType.");
    const last = this.prices.get(market.symbol) ?? new Decimal(0);
    // The LIMIT_MAKER price or the stop price of each leg: above > last traded price > below.
    const ref = (l: (typeof legs)[number]) => (l.type === "LIMIT_MAKER" ? l.price! : l.stopPrice!);
    const above = legs.find((l) => l.pos === "above")!;
    const below = legs.find((l) => l.pos === "below")!;
    if (!ref(above).gt(last) || !ref(below).lt(last)) {
      throw new BinanceError(400, -2010, "The relationship of the prices for the orders is not correct.");
    }
    for (const l of legs) {
      this.checkPlacement(side, l.type, l.price, l.stopPrice, last);
      if (qty.mul(l.price ?? l.stopPrice!).lt(market.minNotional)) throw new BinanceError(400, -1013, "Filter failure: NOTIONAL");
    }
    const listClientOrderId = params.get("listClientOrderId") ?? `simlist${this.nextOrderListId}`;
    if (account.orderLists.some((l) => l.listClientOrderId === listClientOrderId && this.legs(account, l).some(isOpen))) {
      throw new BinanceError(400, -2010, "Duplicate order sent.");
    }
    const ids = legs.map((l, i) => l.clientOrderId ?? `sim${this.nextOrderId + i}`);
    if (new Set(ids).size !== ids.length) throw new BinanceError(400, -2010, "Duplicate order sent.");
    for (const id of ids) this.checkClientOrderId(account, id);

    // One lock for both legs: the quantity (sell), or the quantity at the higher of the legs' prices (buy).
    const orderListId = this.nextOrderListId;
    const orders = this.onDesk(() =>
      this.desk.placeGroup(
        account.apiKey,
        legs.map((l, i) => deskRequest(market.symbol, side, l.type, qty, ids[i]!, l)),
        String(orderListId),
      ),
    );
    this.nextOrderListId++;
    const now = orders[0]!.createdAt;
    const list: SimOrderList = {
      orderListId,
      listClientOrderId,
      symbol: market.symbol,
      contingencyType: "OCO",
      orderIds: orders.map((o) => Number(o.id)),
      transactionTime: now,
    };
    account.orderLists.push(list);
    const respType = params.get("newOrderRespType") ?? "FULL";
    return {
      ...this.listJson(account, list),
      orderReports: orders.map((o) => {
        const report = { ...this.orderJson(this.view(account.apiKey, o)), transactTime: now };
        return respType === "FULL" ? { ...report, fills: [] } : report;
      }),
    };
  }

  // --- the desk's orders in Binance's terms -----------------------------------------------------

  private spotOrders(account: SimAccount) {
    return this.desk.account(account.apiKey).orders;
  }

  private onDesk<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof SpotRefusal)) throw error;
      const [code, message] = REFUSALS[error.kind];
      throw new BinanceError(400, code, message);
    }
  }

  /** The order as Binance shows it; what a test sets on it (fills, executedQty, status, updateTime) writes through. */
  private view(apiKey: string, o: SpotOrder): SimOrder {
    const cached = this.views.get(o);
    if (cached) return cached;
    const fillsOf = () => this.fillsOf(apiKey, o);
    const lastFill = () => this.desk.account(apiKey).fills.findLast((f) => f.orderId === o.id);
    const legsOf = () => this.desk.account(apiKey).orders;
    const view: SimOrder = {
      orderId: Number(o.id),
      clientOrderId: o.clientId,
      symbol: o.market,
      side: o.side === "buy" ? "BUY" : "SELL",
      type: binanceType(o),
      get price() {
        return o.price;
      },
      get origQty() {
        return o.qty;
      },
      get executedQty() {
        return o.filled;
      },
      // A fill recorded from outside releases what the order (or its list's lock) held for it, at its limit price.
      set executedQty(q: Decimal) {
        const filled = q.sub(o.filled);
        o.filled = q;
        const holder = o.locked.gt(0) ? o : o.group === undefined ? undefined : legsOf().find((l) => l.group === o.group && l.locked.gt(0));
        if (holder) holder.locked = Decimal.max(0, holder.locked.sub(o.side === "buy" ? filled.mul(o.price) : filled));
      },
      get cummulativeQuoteQty() {
        return o.filledQuote;
      },
      set cummulativeQuoteQty(q: Decimal) {
        o.filledQuote = q;
      },
      get status() {
        return binanceStatus(o);
      },
      set status(s: Status) {
        o.status = DESK_STATUS[s];
      },
      time: o.createdAt,
      // A fill off the book shows one millisecond after it, as the order's last update.
      get updateTime() {
        const last = lastFill();
        return o.updatedAt + (last?.maker && last.time === o.updatedAt ? 1 : 0);
      },
      set updateTime(t: number) {
        o.updatedAt = t;
      },
      get fills() {
        return fillsOf();
      },
      get triggered() {
        return o.trigger?.firedAt != null ? true : undefined;
      },
      get workingTime() {
        return o.trigger ? (o.trigger.firedAt ?? -1) : undefined;
      },
      get lockPrice() {
        return o.lockPrice;
      },
    };
    if (o.timeInForce) view.timeInForce = o.timeInForce;
    if (o.trigger) view.stopPrice = o.trigger.price;
    if (o.group !== undefined) view.orderListId = Number(o.group);
    this.views.set(o, view);
    return view;
  }

  /** The desk's fills of the order, with those a test pushed onto the view where it pushed them. */
  private fillsOf(apiKey: string, o: SpotOrder): SimFill[] {
    const own: SimFill[] = this.desk
      .account(apiKey)
      .fills.filter((f) => f.orderId === o.id)
      .map((f) => ({ price: f.price.toString(), qty: f.qty.toString(), commission: f.fee.toFixed(), commissionAsset: f.feeCoin, tradeId: Number(f.id), maker: f.maker, time: f.time }));
    const outside = this.outsideFills.get(o) ?? [];
    const all: SimFill[] = [];
    let i = 0;
    for (const [n, fill] of own.entries()) {
      while (i < outside.length && outside[i]!.after <= n) all.push(outside[i++]!.fill);
      all.push(fill);
    }
    while (i < outside.length) all.push(outside[i++]!.fill);
    Object.defineProperty(all, "push", {
      enumerable: false,
      value: (...fills: SimFill[]) => {
        const list = this.outsideFills.get(o) ?? [];
        for (const fill of fills) list.push({ after: own.length, fill });
        this.outsideFills.set(o, list);
        return Array.prototype.push.apply(all, fills);
      },
    });
    return all;
  }

  // --- look-ups and cancels ----------------------------------------------------------------------

  private findOrder(account: SimAccount, params: URLSearchParams, missingCode = -2013) {
    const symbol = this.market(params.get("symbol")).symbol;
    const orderId = params.get("orderId");
    const clientId = params.get("origClientOrderId");
    if (!orderId && !clientId) {
      throw new BinanceError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
    }
    // Several orders may share a client id once the earlier ones are closed: Binance answers the latest.
    const order = this.spotOrders(account).findLast((o) => o.market === symbol && (orderId ? o.id === orderId : o.clientId === clientId));
    if (!order) throw new BinanceError(400, missingCode, missingCode === -2011 ? "Unknown order sent." : "Order does not exist.");
    return order;
  }

  private findList(account: SimAccount, params: URLSearchParams, clientKey: "origClientOrderId" | "listClientOrderId", missingCode: number) {
    const id = params.get("orderListId");
    const clientId = params.get(clientKey);
    if (!id && !clientId) {
      throw new BinanceError(400, -1102, `Param 'orderListId' or '${clientKey}' must be sent, but both were empty/null!`);
    }
    const symbol = params.get("symbol");
    const list = [...account.orderLists]
      .reverse()
      .find(
        (l) =>
          (!symbol || l.symbol === symbol) &&
          (!id || String(l.orderListId) === id) &&
          (!clientId || l.listClientOrderId === clientId),
      );
    if (!list) throw new BinanceError(400, missingCode, missingCode === -2011 ? "Unknown order sent." : "Order list does not exist.");
    return list;
  }

  private listOf(account: SimAccount, order: SpotOrder) {
    return order.group === undefined ? undefined : account.orderLists.find((l) => String(l.orderListId) === order.group);
  }

  private legs(account: SimAccount, list: SimOrderList) {
    const orders = this.spotOrders(account);
    return list.orderIds.map((id) => orders.find((o) => o.id === String(id))!);
  }

  /** Canceling one leg of an order list cancels the whole list, as on Binance; the answer is that leg. */
  private cancel(account: SimAccount, order: SpotOrder) {
    if (!isOpen(order)) throw new BinanceError(400, -2011, "Unknown order sent.");
    this.onDesk(() => this.desk.cancel(account.apiKey, order.market, { id: order.id }));
    const view = this.view(account.apiKey, order);
    return { ...this.orderJson(view), origClientOrderId: view.clientOrderId, transactTime: view.updateTime };
  }

  private cancelList(account: SimAccount, list: SimOrderList) {
    const legs = this.legs(account, list);
    const live = legs.find(isOpen);
    if (!live) throw new BinanceError(400, -2011, "Unknown order sent.");
    const now = Date.now();
    this.onDesk(() => this.desk.cancel(account.apiKey, live.market, { id: live.id }));
    return {
      ...this.listJson(account, list),
      orderReports: legs.map((o) => ({ ...this.orderJson(this.view(account.apiKey, o)), origClientOrderId: o.clientId, transactTime: now })),
    };
  }

  // --- JSON --------------------------------------------------------------------------------------

  private listJson(account: SimAccount, list: SimOrderList) {
    const legs = this.legs(account, list);
    const open = legs.some(isOpen);
    return {
      orderListId: list.orderListId,
      contingencyType: list.contingencyType,
      listStatusType: open ? "EXEC_STARTED" : "ALL_DONE",
      listOrderStatus: open ? "EXECUTING" : "ALL_DONE",
      listClientOrderId: list.listClientOrderId,
      transactionTime: list.transactionTime,
      symbol: list.symbol,
      orders: legs.map((o) => ({ symbol: o.market, orderId: Number(o.id), clientOrderId: o.clientId })),
    };
  }

  private orderJson(o: SimOrder) {
    return {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: o.orderListId ?? -1,
      clientOrderId: o.clientOrderId,
      price: o.price.toFixed(8),
      origQty: o.origQty.toFixed(8),
      executedQty: o.executedQty.toFixed(8),
      cummulativeQuoteQty: o.cummulativeQuoteQty.toFixed(8),
      status: o.status,
      timeInForce: o.timeInForce ?? "GTC",
      type: o.type,
      side: o.side,
      stopPrice: (o.stopPrice ?? new Decimal(0)).toFixed(8),
      icebergQty: "0.00000000",
      time: o.time,
      updateTime: o.updateTime,
      isWorking: !isConditional(o.type) || o.triggered === true,
      workingTime: o.workingTime ?? o.time,
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
        { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: this.weight.limit },
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
        orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
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

/** Live on Binance: NEW or PARTIALLY_FILLED, a conditional order waiting for its stop included. */
function isOpen(o: SpotOrder) {
  return o.status === "open" || o.status === "waiting";
}

function isConditional(type: SimOrderType) {
  return type === "STOP_LOSS" || type === "STOP_LOSS_LIMIT" || type === "TAKE_PROFIT" || type === "TAKE_PROFIT_LIMIT";
}

/** Binance: a sell stop-loss triggers at or below its stop price, a sell take-profit at or above (buys the other way). */
function triggersBelow(side: Side, type: SimOrderType) {
  const stopLoss = type === "STOP_LOSS" || type === "STOP_LOSS_LIMIT";
  return side === "SELL" ? stopLoss : !stopLoss;
}

function triggers(side: Side, type: SimOrderType, stopPrice: Decimal, last: Decimal) {
  return triggersBelow(side, type) ? last.lte(stopPrice) : last.gte(stopPrice);
}

/** A limit order that the last price lets fill at once (it would take liquidity). */
function marketable(side: Side, price: Decimal, last: Decimal) {
  return side === "BUY" ? last.lte(price) : last.gte(price);
}

/** The desk request for one Binance order (or OCO leg): conditional orders hold their funds while they wait. */
function deskRequest(
  symbol: string,
  side: Side,
  type: SimOrderType,
  qty: Decimal,
  clientId: string,
  leg: { price?: Decimal; stopPrice?: Decimal; timeInForce?: TimeInForce },
): SpotPlaceRequest {
  const runsAsMarket = type === "MARKET" || type === "STOP_LOSS" || type === "TAKE_PROFIT";
  const request: SpotPlaceRequest = { market: symbol, side: side === "BUY" ? "buy" : "sell", type: runsAsMarket ? "market" : "limit", qty: qty.toFixed(), clientId };
  if (!runsAsMarket) request.price = leg.price!.toFixed();
  if (leg.stopPrice) request.trigger = { price: leg.stopPrice.toFixed(), direction: triggersBelow(side, type) ? "fall" : "rise", reserve: true };
  if (leg.timeInForce) request.timeInForce = leg.timeInForce;
  if (type === "LIMIT_MAKER") request.postOnly = true;
  return request;
}

function binanceType(o: SpotOrder): SimOrderType {
  if (!o.trigger) return o.type === "market" ? "MARKET" : o.postOnly ? "LIMIT_MAKER" : "LIMIT";
  const stopLoss = (o.side === "sell") === (o.trigger.direction === "fall");
  if (o.type === "market") return stopLoss ? "STOP_LOSS" : "TAKE_PROFIT";
  return stopLoss ? "STOP_LOSS_LIMIT" : "TAKE_PROFIT_LIMIT";
}

function binanceStatus(o: SpotOrder): Status {
  switch (o.status) {
    case "open":
      return o.filled.gt(0) ? "PARTIALLY_FILLED" : "NEW";
    case "waiting":
      return "NEW";
    case "filled":
      return "FILLED";
    case "canceled":
    case "deactivated":
      return "CANCELED";
    case "expired":
      return "EXPIRED";
    case "rejected":
      return "REJECTED";
  }
}

function fillJson(f: SimFill) {
  return { price: f.price, qty: f.qty, commission: f.commission, commissionAsset: f.commissionAsset, tradeId: f.tradeId };
}

function mandatory(name: string) {
  return new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

function notRequired(name: string) {
  return new BinanceError(400, -1106, `Parameter '${name}' sent when not required.`);
}

function decimalParam(params: URLSearchParams, name: string, required: boolean): Decimal | undefined {
  const text = params.get(name);
  if (text === null || text === "") {
    if (required) throw mandatory(name);
    return undefined;
  }
  if (!/^[0-9]{1,20}(\.[0-9]{1,20})?$/.test(text)) {
    throw new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);
  }
  return new Decimal(text);
}
