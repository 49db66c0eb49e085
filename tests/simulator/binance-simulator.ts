import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Decimal from "decimal.js";
import { BinanceFuturesDesk, FuturesError } from "./binance-futures";
import { klines, type PricePoint } from "./binance-klines";

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
  /** An OCO leg whose sibling holds the list's one lock (the quantity is locked once for both legs). */
  sharesLock?: boolean;
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
  balances: Map<string, { free: Decimal; locked: Decimal }>;
  orders: SimOrder[];
  orderLists: SimOrderList[];
  /** Binance's "use BNB to pay for fees". */
  feesInBnb?: boolean;
}

export interface DepthLevel {
  price: string;
  qty: string;
}

/**
 * Either explicit levels per side (best first is not required; they are sorted), consumed by the fills
 * that take them and left alone by price moves — a side left out means "unlimited at the last price" as
 * without depth, an empty list means "no liquidity" — or a ladder rebuilt around the last price for each
 * order: `levels` levels of `qtyPerLevel` every `tick` (the market's tick size by default), asks from the
 * last price up, bids from the last price down.
 */
export type DepthSpec = { bids?: DepthLevel[]; asks?: DepthLevel[] } | { qtyPerLevel: string; levels?: number; tick?: string };

type Level = { price: Decimal; qty: Decimal };
type Depth = { kind: "book"; bids?: Level[]; asks?: Level[] } | { kind: "ladder"; qty: Decimal; levels: number; tick?: Decimal };
type PlannedFill = { price: Decimal; qty: Decimal; level?: Level };

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

export class BinanceSimulator {
  readonly markets = new Map<string, SimMarket>();
  readonly prices = new Map<string, Decimal>();
  /** Every price each symbol took, and when (the klines are built from it). */
  readonly pricePath = new Map<string, PricePoint[]>();
  readonly accounts = new Map<string, SimAccount>();
  readonly requests: { method: string; path: string }[] = [];
  /** Every 429 and 418 the weight limit answered (not injected faults), for tests that must see none. */
  readonly limitedAnswers: { status: 429 | 418; path: string; at: number }[] = [];
  /** USDT-M perpetuals (`/fapi/*`): positions, leverage, funding. */
  readonly futures = new BinanceFuturesDesk();
  private faults: (Fault & { left: number })[] = [];
  private latencyMs = 0;
  private nextOrderId = 1000;
  private nextOrderListId = 1;
  private nextTradeId = 1;
  private server?: http.Server;
  private held = new Set<http.ServerResponse>();
  private depth = new Map<string, Depth>();
  private fillRatios = new Map<string, Decimal>();
  private weight = { ...DEFAULT_WEIGHT };
  private weightLog: { at: number; weight: number }[] = [];
  private over429 = 0;
  private bannedUntil = 0;
  private bans = 0;
  private clockOffset = 0;

  constructor(markets: SimMarket[] = DEFAULT_MARKETS) {
    for (const m of markets) this.markets.set(m.symbol, m);
    this.reset();
  }

  /** Back to defaults: prices, no accounts, no faults, no depth, no partial fills, weight limit 6000 and nothing used. */
  reset() {
    this.futures.reset();
    this.prices.clear();
    this.pricePath.clear();
    for (const [s, p] of Object.entries(DEFAULT_PRICES)) if (this.markets.has(s)) this.prices.set(s, new Decimal(p));
    for (const [s, p] of this.prices) this.pricePath.set(s, [{ at: 0, price: p }]);
    this.accounts.clear();
    this.faults = [];
    this.latencyMs = 0;
    this.requests.length = 0;
    this.limitedAnswers.length = 0;
    this.depth.clear();
    this.fillRatios.clear();
    this.weight = { ...DEFAULT_WEIGHT };
    this.weightLog = [];
    this.over429 = 0;
    this.bannedUntil = 0;
    this.bans = 0;
    this.clockOffset = 0;
  }

  addAccount(opts: { apiKey: string; secret: string; balances?: Record<string, string>; canWithdraw?: boolean; canTrade?: boolean; ipRestrict?: boolean }) {
    const balances = new Map<string, { free: Decimal; locked: Decimal }>();
    for (const [asset, free] of Object.entries(opts.balances ?? { USDT: "10000" })) {
      balances.set(asset, { free: new Decimal(free), locked: new Decimal(0) });
    }
    this.accounts.set(opts.apiKey, {
      apiKey: opts.apiKey,
      secret: opts.secret,
      canWithdraw: opts.canWithdraw ?? false,
      canTrade: opts.canTrade ?? true,
      ipRestrict: opts.ipRestrict ?? false,
      balances,
      orders: [],
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
    const account = this.account(apiKey);
    const order = account.orders.findLast((o) => o.clientOrderId === clientOrderId && isOpen(o));
    if (!order) throw new Error(`no open simulator order ${clientOrderId}`);
    const q = new Decimal(qty);
    if (q.lte(0) || q.gt(order.origQty.sub(order.executedQty))) throw new Error(`cannot fill ${qty} of ${clientOrderId}`);
    this.activate(account, order);
    this.applyFill(account, order, q, new Decimal(opts.price ?? order.price), true, opts.time);
  }

  /**
   * Moves the price, then, in the order the orders were placed: triggers the conditional orders it
   * reaches (a triggered stop-limit fills at once if its limit allows, else rests at its limit price; a
   * triggered stop-market runs as a market order) and fills resting limit orders it crosses, at their
   * limit price — whole, or `fillRatio` of the order's quantity (see `setLimitFillRatio`). When one leg of
   * an OCO triggers or fills, the other leg EXPIRES.
   */
  setPrice(symbol: string, price: string, opts: { fillRatio?: string | number; at?: number } = {}) {
    const p = new Decimal(price);
    this.prices.set(symbol, p);
    const path = this.pricePath.get(symbol) ?? [];
    path.push({ at: opts.at ?? this.now(), price: p });
    path.sort((a, b) => a.at - b.at);
    if (path.length > 20_000) path.splice(1, path.length - 20_000);
    this.pricePath.set(symbol, path);
    const ratio = opts.fillRatio !== undefined ? ratioOf(opts.fillRatio) : this.fillRatios.get(symbol);
    for (const account of this.accounts.values()) {
      for (const order of [...account.orders]) {
        if (order.symbol !== symbol || !isOpen(order)) continue;
        if (isConditional(order.type) && !order.triggered) {
          if (triggers(order.side, order.type, order.stopPrice!, p)) this.trigger(account, order);
          continue;
        }
        if (!isWorkingLimit(order)) continue;
        const crosses = order.side === "BUY" ? p.lte(order.price) : p.gte(order.price);
        if (!crosses) continue;
        this.activate(account, order);
        this.applyFill(account, order, this.restingFillQty(order, ratio), order.price, true);
      }
    }
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
    if (ratio === null) this.fillRatios.delete(symbol);
    else this.fillRatios.set(symbol, ratioOf(ratio));
  }

  /** Gives `symbol` an order book that market (and marketable) orders walk; `null` goes back to "unlimited at the last price". */
  setDepth(symbol: string, spec: DepthSpec | null) {
    if (!spec) {
      this.depth.delete(symbol);
      return;
    }
    if ("qtyPerLevel" in spec) {
      this.depth.set(symbol, {
        kind: "ladder",
        qty: new Decimal(spec.qtyPerLevel),
        levels: spec.levels ?? 5,
        tick: spec.tick ? new Decimal(spec.tick) : undefined,
      });
      return;
    }
    const levels = (list: DepthLevel[] | undefined, desc: boolean) =>
      list
        ?.map((l) => ({ price: new Decimal(l.price), qty: new Decimal(l.qty) }))
        .filter((l) => l.qty.gt(0))
        .sort((a, b) => (desc ? b.price.comparedTo(a.price) : a.price.comparedTo(b.price)));
    this.depth.set(symbol, { kind: "book", bids: levels(spec.bids, true), asks: levels(spec.asks, false) });
  }

  /** What is left of the book (the ladder as it stands at the last price). */
  depthOf(symbol: string): { bids?: DepthLevel[]; asks?: DepthLevel[] } | null {
    const depth = this.depth.get(symbol);
    if (!depth) return null;
    const out = (levels: Level[] | undefined) => levels?.map((l) => ({ price: l.price.toFixed(), qty: l.qty.toFixed() }));
    const last = this.prices.get(symbol) ?? new Decimal(0);
    return { bids: out(this.levels(symbol, "SELL", last)), asks: out(this.levels(symbol, "BUY", last)) };
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
          depth: Object.fromEntries([...this.depth.keys()].map((s) => [s, this.depthOf(s)])),
          fillRatios: Object.fromEntries([...this.fillRatios].map(([s, r]) => [s, r.toString()])),
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
    if (method === "GET" && path === "/api/v3/order") return this.orderJson(this.findOrder(account, params));
    if (method === "DELETE" && path === "/api/v3/order") return this.cancel(account, this.findOrder(account, params, -2011));
    if (method === "DELETE" && path === "/api/v3/openOrders") {
      const symbol = this.market(params.get("symbol")).symbol;
      const open = account.orders.filter((o) => o.symbol === symbol && isOpen(o));
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

  private balance(account: SimAccount, asset: string) {
    let b = account.balances.get(asset);
    if (!b) {
      b = { free: new Decimal(0), locked: new Decimal(0) };
      account.balances.set(asset, b);
    }
    return b;
  }

  // --- order placement ---------------------------------------------------------------------------

  private checkClientOrderId(account: SimAccount, clientOrderId: string) {
    if (account.orders.some((o) => o.clientOrderId === clientOrderId && isOpen(o))) {
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

    const quote = this.balance(account, market.quote);
    const base = this.balance(account, market.base);
    let plan: PlannedFill[] | undefined;
    let lockPrice: Decimal | undefined;
    if (orderType === "MARKET") {
      // A market order holds nothing: it is checked against what its walk through the book costs.
      plan = this.plan(market.symbol, side, qty);
      const need = side === "BUY" ? plan.reduce((sum, f) => sum.add(f.qty.mul(f.price)), new Decimal(0)) : qty;
      if ((side === "BUY" ? quote : base).free.lt(need)) throw insufficient();
    } else {
      // Funds are held at the order's limit price (a stop-market buy at its stop price).
      lockPrice = side === "BUY" ? (leg.price ?? leg.stopPrice!) : undefined;
      this.lock(account, market, side, qty, lockPrice);
    }

    const now = Date.now();
    const order: SimOrder = {
      orderId: this.nextOrderId++,
      clientOrderId,
      symbol: market.symbol,
      side,
      type: orderType,
      price: leg.price ?? new Decimal(0),
      origQty: qty,
      executedQty: new Decimal(0),
      cummulativeQuoteQty: new Decimal(0),
      status: "NEW",
      time: now,
      updateTime: now,
      fills: [],
    };
    if (leg.timeInForce) order.timeInForce = leg.timeInForce;
    if (leg.stopPrice) {
      order.stopPrice = leg.stopPrice;
      order.workingTime = -1;
    }
    if (lockPrice && !leg.price) order.lockPrice = lockPrice;
    account.orders.push(order);

    if (orderType === "MARKET") this.take(account, order, undefined, plan);
    else if (orderType === "LIMIT") {
      if (marketable(side, order.price, last)) this.take(account, order, order.price);
      else if (order.timeInForce === "IOC" || order.timeInForce === "FOK") this.expire(account, order);
    }

    const respType = params.get("newOrderRespType") ?? (orderType === "MARKET" || orderType === "LIMIT" ? "FULL" : "ACK");
    if (respType === "ACK") {
      return { symbol: order.symbol, orderId: order.orderId, orderListId: -1, clientOrderId, transactTime: now };
    }
    const full = { ...this.orderJson(order), transactTime: now, workingTime: order.workingTime ?? now };
    return respType === "FULL" ? { ...full, fills: order.fills.map(fillJson) } : full;
  }

  private lock(account: SimAccount, market: SimMarket, side: Side, qty: Decimal, lockPrice: Decimal | undefined) {
    const held = this.balance(account, side === "BUY" ? market.quote : market.base);
    const amount = side === "BUY" ? qty.mul(lockPrice!) : qty;
    if (held.free.lt(amount)) throw insufficient();
    held.free = held.free.sub(amount);
    held.locked = held.locked.add(amount);
  }

  /** New endpoint: `aboveType`/`belowType` legs sharing one `quantity`. */
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
    const lockPrice = side === "BUY" ? Decimal.max(...legs.map((l) => l.price ?? l.stopPrice!)) : undefined;
    this.lock(account, market, side, qty, lockPrice);

    const now = Date.now();
    const orderListId = this.nextOrderListId++;
    const orders = legs.map((l, i): SimOrder => {
      const order: SimOrder = {
        orderId: this.nextOrderId++,
        clientOrderId: ids[i]!,
        symbol: market.symbol,
        side,
        type: l.type,
        price: l.price ?? new Decimal(0),
        origQty: qty,
        executedQty: new Decimal(0),
        cummulativeQuoteQty: new Decimal(0),
        status: "NEW",
        time: now,
        updateTime: now,
        fills: [],
        orderListId,
      };
      if (l.timeInForce) order.timeInForce = l.timeInForce;
      if (l.stopPrice) {
        order.stopPrice = l.stopPrice;
        order.workingTime = -1;
      }
      if (lockPrice) order.lockPrice = lockPrice;
      if (i > 0) order.sharesLock = true;
      return order;
    });
    account.orders.push(...orders);
    const list: SimOrderList = {
      orderListId,
      listClientOrderId,
      symbol: market.symbol,
      contingencyType: "OCO",
      orderIds: orders.map((o) => o.orderId),
      transactionTime: now,
    };
    account.orderLists.push(list);
    const respType = params.get("newOrderRespType") ?? "FULL";
    return {
      ...this.listJson(account, list),
      orderReports: orders.map((o) => {
        const report = { ...this.orderJson(o), transactTime: now };
        return respType === "FULL" ? { ...report, fills: [] } : report;
      }),
    };
  }

  // --- execution ---------------------------------------------------------------------------------

  /** The book levels an order on `side` takes (asks for a buy, bids for a sell); undefined = unlimited at the last price. */
  private levels(symbol: string, side: Side, last: Decimal): Level[] | undefined {
    const depth = this.depth.get(symbol);
    if (!depth) return undefined;
    if (depth.kind === "book") return side === "BUY" ? depth.asks : depth.bids;
    const tick = depth.tick ?? new Decimal(this.market(symbol).tickSize);
    const out: Level[] = [];
    for (let i = 0; i < depth.levels; i++) {
      const price = side === "BUY" ? last.add(tick.mul(i)) : last.sub(tick.mul(i));
      if (price.lte(0)) break;
      out.push({ price, qty: depth.qty });
    }
    return out;
  }

  /** The fills an order taking liquidity would get now: one per book level, best first, within `limit`. */
  private plan(symbol: string, side: Side, qty: Decimal, limit?: Decimal): PlannedFill[] {
    const last = this.prices.get(symbol) ?? new Decimal(0);
    const within = (price: Decimal) => !limit || (side === "BUY" ? price.lte(limit) : price.gte(limit));
    const levels = this.levels(symbol, side, last);
    if (!levels) return within(last) && qty.gt(0) ? [{ price: last, qty }] : [];
    const out: PlannedFill[] = [];
    let left = qty;
    for (const level of levels) {
      if (left.lte(0) || !within(level.price)) break;
      const take = Decimal.min(left, level.qty);
      if (take.lte(0)) continue;
      out.push({ price: level.price, qty: take, level });
      left = left.sub(take);
    }
    return out;
  }

  /** Takes liquidity for the rest of `order` (up to `limit`); what cannot fill EXPIRES for market, IOC and FOK orders. */
  private take(account: SimAccount, order: SimOrder, limit?: Decimal, planned?: PlannedFill[]) {
    const remaining = order.origQty.sub(order.executedQty);
    const plan = planned ?? this.plan(order.symbol, order.side, remaining, limit);
    const total = plan.reduce((sum, f) => sum.add(f.qty), new Decimal(0));
    if (order.timeInForce === "FOK" && total.lt(remaining)) return this.expire(account, order);
    const depth = this.depth.get(order.symbol);
    for (const f of plan) {
      if (f.level && depth?.kind === "book") {
        f.level.qty = f.level.qty.sub(f.qty);
        if (depth.asks) depth.asks = depth.asks.filter((l) => l.qty.gt(0));
        if (depth.bids) depth.bids = depth.bids.filter((l) => l.qty.gt(0));
      }
      this.applyFill(account, order, f.qty, f.price, false);
    }
    const runsOnce = order.type === "MARKET" || order.type === "STOP_LOSS" || order.type === "TAKE_PROFIT";
    if (order.executedQty.lt(order.origQty) && (runsOnce || order.timeInForce === "IOC" || order.timeInForce === "FOK")) {
      this.expire(account, order);
    }
  }

  /** A conditional order reached its stop price: it runs as a market order, or works as a limit order at its price. */
  private trigger(account: SimAccount, order: SimOrder) {
    const now = Date.now();
    order.triggered = true;
    order.workingTime = now;
    order.updateTime = now;
    this.activate(account, order);
    const last = this.prices.get(order.symbol) ?? new Decimal(0);
    if (order.type === "STOP_LOSS" || order.type === "TAKE_PROFIT") this.take(account, order);
    else if (marketable(order.side, order.price, last)) this.take(account, order, order.price);
    else if (order.timeInForce === "IOC" || order.timeInForce === "FOK") this.expire(account, order);
  }

  /** An OCO leg triggered or started to fill: the other leg EXPIRES, and this leg takes over the list's lock. */
  private activate(account: SimAccount, order: SimOrder) {
    const list = this.listOf(account, order);
    if (!list) return;
    for (const sibling of this.legs(account, list)) {
      if (sibling === order || !isOpen(sibling)) continue;
      if (!sibling.sharesLock) {
        order.sharesLock = false;
        if (sibling.lockPrice) order.lockPrice = sibling.lockPrice;
        sibling.sharesLock = true;
      }
      sibling.status = "EXPIRED";
      sibling.updateTime = Date.now();
    }
  }

  private restingFillQty(order: SimOrder, ratio: Decimal | undefined) {
    const remaining = order.origQty.sub(order.executedQty);
    if (!ratio || ratio.gte(1)) return remaining;
    const step = new Decimal(this.market(order.symbol).stepSize);
    const part = Decimal.max(order.origQty.mul(ratio).div(step).floor().mul(step), step);
    return Decimal.min(part, remaining);
  }

  /**
   * The commission of one fill worth `cost` quote: in BNB when the account pays fees with it and its free
   * BNB covers it (priced at the BNB market of the quote), else `fallback` in the asset received.
   */
  private commissionOf(account: SimAccount, market: SimMarket, cost: Decimal, fallback: { amount: Decimal; asset: string }) {
    if (!account.feesInBnb || market.base === "BNB" || market.quote === "BNB") return fallback;
    const bnbPrice = this.prices.get(`BNB${market.quote}`);
    if (!bnbPrice || bnbPrice.lte(0)) return fallback;
    const amount = cost.mul(COMMISSION).mul(BNB_DISCOUNT).div(bnbPrice);
    const bnb = this.balance(account, "BNB");
    if (bnb.free.lt(amount)) return fallback;
    bnb.free = bnb.free.sub(amount);
    return { amount, asset: "BNB", apart: true };
  }

  /** Fills `qty` of `order` at `price`; commission is charged per fill, in BNB or in the asset received. */
  private applyFill(account: SimAccount, order: SimOrder, qty: Decimal, price: Decimal, maker: boolean, at?: number) {
    const market = this.market(order.symbol);
    const cost = qty.mul(price);
    const quote = this.balance(account, market.quote);
    const base = this.balance(account, market.base);
    const held = holdsLock(order);
    const fee =
      order.side === "BUY"
        ? this.commissionOf(account, market, cost, { amount: qty.mul(COMMISSION), asset: market.base })
        : this.commissionOf(account, market, cost, { amount: cost.mul(COMMISSION), asset: market.quote });
    // Taken from what the fill brings in, unless it was paid out of the BNB balance.
    const inReceived = "apart" in fee ? new Decimal(0) : fee.amount;
    if (order.side === "BUY") {
      if (held) {
        const locked = qty.mul(lockPriceOf(order));
        quote.locked = quote.locked.sub(locked);
        quote.free = quote.free.add(locked).sub(cost);
      } else {
        quote.free = quote.free.sub(cost);
      }
      base.free = base.free.add(qty).sub(inReceived);
    } else {
      if (held) base.locked = base.locked.sub(qty);
      else base.free = base.free.sub(qty);
      quote.free = quote.free.add(cost).sub(inReceived);
    }
    const now = at ?? Date.now();
    order.fills.push({
      price: price.toString(),
      qty: qty.toString(),
      commission: fee.amount.toFixed(),
      commissionAsset: fee.asset,
      tradeId: this.nextTradeId++,
      maker,
      time: now,
    });
    order.executedQty = order.executedQty.add(qty);
    order.cummulativeQuoteQty = order.cummulativeQuoteQty.add(cost);
    order.status = order.executedQty.gte(order.origQty) ? "FILLED" : "PARTIALLY_FILLED";
    order.updateTime = now + (maker ? 1 : 0);
  }

  /** Gives back what the order still holds for its unfilled rest. */
  private releaseLock(account: SimAccount, order: SimOrder) {
    if (!holdsLock(order)) return;
    const market = this.market(order.symbol);
    const remaining = order.origQty.sub(order.executedQty);
    const held = this.balance(account, order.side === "BUY" ? market.quote : market.base);
    const amount = order.side === "BUY" ? remaining.mul(lockPriceOf(order)) : remaining;
    held.locked = held.locked.sub(amount);
    held.free = held.free.add(amount);
  }

  private expire(account: SimAccount, order: SimOrder) {
    this.releaseLock(account, order);
    order.status = "EXPIRED";
    order.updateTime = Date.now();
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
    const order = [...account.orders]
      .reverse()
      .find((o) => o.symbol === symbol && (orderId ? String(o.orderId) === orderId : o.clientOrderId === clientId));
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

  private listOf(account: SimAccount, order: SimOrder) {
    return order.orderListId === undefined ? undefined : account.orderLists.find((l) => l.orderListId === order.orderListId);
  }

  private legs(account: SimAccount, list: SimOrderList) {
    return list.orderIds.map((id) => account.orders.find((o) => o.orderId === id)!);
  }

  /** Canceling one leg of an order list cancels the whole list, as on Binance; the answer is that leg. */
  private cancel(account: SimAccount, order: SimOrder) {
    if (!isOpen(order)) throw new BinanceError(400, -2011, "Unknown order sent.");
    const list = this.listOf(account, order);
    if (list) {
      this.cancelList(account, list);
    } else {
      this.releaseLock(account, order);
      order.status = "CANCELED";
      order.updateTime = Date.now();
    }
    return { ...this.orderJson(order), origClientOrderId: order.clientOrderId, transactTime: order.updateTime };
  }

  private cancelList(account: SimAccount, list: SimOrderList) {
    const legs = this.legs(account, list);
    if (!legs.some(isOpen)) throw new BinanceError(400, -2011, "Unknown order sent.");
    const now = Date.now();
    for (const leg of legs) {
      if (!isOpen(leg)) continue;
      this.releaseLock(account, leg);
      leg.status = "CANCELED";
      leg.updateTime = now;
    }
    return {
      ...this.listJson(account, list),
      orderReports: legs.map((o) => ({ ...this.orderJson(o), origClientOrderId: o.clientOrderId, transactTime: now })),
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
      orders: legs.map((o) => ({ symbol: o.symbol, orderId: o.orderId, clientOrderId: o.clientOrderId })),
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

function isOpen(o: SimOrder) {
  return o.status === "NEW" || o.status === "PARTIALLY_FILLED";
}

function isConditional(type: SimOrderType) {
  return type === "STOP_LOSS" || type === "STOP_LOSS_LIMIT" || type === "TAKE_PROFIT" || type === "TAKE_PROFIT_LIMIT";
}

/** Orders resting on the book at their limit price. */
function isWorkingLimit(o: SimOrder) {
  return o.type === "LIMIT" || o.type === "LIMIT_MAKER" || ((o.type === "STOP_LOSS_LIMIT" || o.type === "TAKE_PROFIT_LIMIT") && o.triggered === true);
}

/** Binance: a sell stop-loss triggers at or below its stop price, a sell take-profit at or above (buys the other way). */
function triggers(side: Side, type: SimOrderType, stopPrice: Decimal, last: Decimal) {
  const stopLoss = type === "STOP_LOSS" || type === "STOP_LOSS_LIMIT";
  const below = side === "SELL" ? stopLoss : !stopLoss;
  return below ? last.lte(stopPrice) : last.gte(stopPrice);
}

/** A limit order that the last price lets fill at once (it would take liquidity). */
function marketable(side: Side, price: Decimal, last: Decimal) {
  return side === "BUY" ? last.lte(price) : last.gte(price);
}

function holdsLock(o: SimOrder) {
  return o.type !== "MARKET" && !o.sharesLock;
}

function lockPriceOf(o: SimOrder) {
  return o.lockPrice ?? o.price;
}

function fillJson(f: SimFill) {
  return { price: f.price, qty: f.qty, commission: f.commission, commissionAsset: f.commissionAsset, tradeId: f.tradeId };
}

function ratioOf(value: string | number) {
  const ratio = new Decimal(value);
  if (ratio.lte(0) || ratio.gt(1)) throw new Error(`fill ratio must be in (0, 1], got ${value}`);
  return ratio;
}

function mandatory(name: string) {
  return new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

function notRequired(name: string) {
  return new BinanceError(400, -1106, `Parameter '${name}' sent when not required.`);
}

function insufficient() {
  return new BinanceError(400, -2010, "Account has insufficient balance for requested action.");
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
