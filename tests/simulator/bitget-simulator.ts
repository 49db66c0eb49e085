import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Decimal from "decimal.js";
import { bitgetMixDesk, BitgetMixRefusal, bitgetMixRoute } from "./bitget-mix";
import { BitgetPlanBook, placedByPlan, PlanRefusal, type PlanHost } from "./bitget-plan-book";
import { SpotDesk, SpotRefusal, type SpotFill, type SpotOrder, type SpotRefusalKind } from "./spot-desk";

/**
 * A local stand-in for the part of Bitget's v2 REST API (classic account, spot) that ccxt's bitget class
 * uses: symbols, tickers, the key's own info, assets, place / cancel / cancel-symbol-order, order info,
 * unfilled orders, history orders and fills. Every private request is checked as Bitget's guide says:
 * `ACCESS-SIGN` = base64 HMAC-SHA256(secret, timestamp + METHOD + requestPath + ("?" + queryString) + body),
 * `ACCESS-TIMESTAMP` within 30 s of the server's clock, `ACCESS-PASSPHRASE` the key's own. Answers are
 * `{ code: "00000", msg: "success", requestTime, data }`; errors carry Bitget's codes (40006 invalid
 * ACCESS_KEY, 40009 sign signature error, 40012 passphrase incorrect, 40014 incorrect permissions, 40018
 * invalid IP, 40109 order not found, 43012 insufficient balance, 45110 below the minimum amount, HTTP 429
 * with code "429" when rate limited). A duplicate clientOid is refused with 40017 "Parameter verification
 * failed" (the code Bitget uses for it is not in its published table).
 *
 * Bitget's market buy is sized in the quote coin (`size` = USDT to spend); limits and market sells in the
 * base coin. Order info by `clientOid` answers unfilled orders only, as the guide warns; finished orders
 * are in the history list.
 *
 * Spot balances, orders, fills and plan (trigger) orders live on the shared spot desk (`spot-desk.ts`:
 * market orders fill whole at the last price, a market buy spending its quote size; limit orders rest and
 * fill when `setPrice` crosses them; plans are its conditional orders, with Bitget's side of them in
 * `bitget-plan-book.ts`), USDT perpetuals on the shared perpetual desk (`bitget-mix.ts`); this file is
 * Bitget's protocol: signing, faults, codes, answer shapes.
 */

export interface BitgetSimMarket {
  symbol: string;
  base: string;
  quote: string;
  pricePrecision: number;
  quantityPrecision: number;
  quotePrecision: number;
  minTradeUSDT: string;
}

export const BITGET_MARKETS: BitgetSimMarket[] = [
  { symbol: "BTCUSDT", base: "BTC", quote: "USDT", pricePrecision: 2, quantityPrecision: 6, quotePrecision: 8, minTradeUSDT: "1" },
  { symbol: "ETHUSDT", base: "ETH", quote: "USDT", pricePrecision: 2, quantityPrecision: 4, quotePrecision: 8, minTradeUSDT: "1" },
];

const DEFAULT_PRICES: Record<string, string> = { BTCUSDT: "60000", ETHUSDT: "3000" };
const FEE_RATE = "0.001";
const TIMESTAMP_WINDOW_MS = 30_000;

type Status = "live" | "partially_filled" | "filled" | "cancelled";

/** A view of a desk order in Bitget's terms (rebuilt on each read). */
export interface BitgetSimOrder {
  orderId: string;
  clientOid: string;
  symbol: string;
  side: "buy" | "sell";
  orderType: "market" | "limit";
  price: Decimal;
  /** Quote coin for a market buy, base coin otherwise (as Bitget's `size`). */
  size: Decimal;
  baseVolume: Decimal;
  quoteVolume: Decimal;
  fees: Map<string, Decimal>;
  status: Status;
  cTime: number;
  uTime: number;
}

/** A view of a desk fill in Bitget's terms (rebuilt on each read). */
export interface BitgetSimFill {
  tradeId: string;
  orderId: string;
  symbol: string;
  side: "buy" | "sell";
  orderType: "market" | "limit";
  price: Decimal;
  size: Decimal;
  fee: Decimal;
  feeCoin: string;
  maker: boolean;
  cTime: number;
}

export interface BitgetSimAccount {
  apiKey: string;
  secret: string;
  passphrase: string;
  /** Bitget's `authorities`: "wwow" (withdraw), "stow" (spot trade), "stor" (spot read), ... */
  authorities: string[];
  /** The key's IP allow-list, "" when the key works from anywhere. */
  ips: string;
  /** The spot desk's balances of the account (the same map). */
  balances: Map<string, { free: Decimal; locked: Decimal }>;
  /** Plain orders, and the orders fired plans placed. */
  readonly orders: BitgetSimOrder[];
  readonly fills: BitgetSimFill[];
  /** Spot plan (trigger) orders. */
  plans: BitgetPlanBook;
}

export type BitgetFault =
  | { kind: "status"; status: 500 | 502 | 503; count?: number; path?: string }
  /** HTTP 429 with `{ code: "429", msg: "Too Many Requests" }`. */
  | { kind: "rate-limit"; count?: number; path?: string }
  /** The order is booked; the answer never arrives (held until `holdMs`, then the socket is dropped). */
  | { kind: "timeout-after-accept"; count?: number; holdMs?: number };

class BitgetError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
  }
}

const PLACE = "/api/v2/spot/trade/place-order";
const PLACE_PLAN = "/api/v2/spot/trade/place-plan-order";
const isOpen = (o: BitgetSimOrder) => o.status === "live" || o.status === "partially_filled";
const str = (d: Decimal) => d.toFixed();
const step = (digits: number) => new Decimal(10).pow(-digits);

function bitgetStatus(o: SpotOrder): Status {
  if (o.status === "open") return o.filled.gt(0) ? "partially_filled" : "live";
  return o.status === "filled" ? "filled" : "cancelled";
}

const bitgetOrder = (o: SpotOrder): BitgetSimOrder => ({
  orderId: o.id,
  // The order a fired plan placed carries a client id of Bitget's, and was created when it fired.
  clientOid: o.trigger ? `sys${o.id}` : o.clientId,
  symbol: o.market,
  side: o.side,
  orderType: o.type,
  price: o.price,
  size: o.quoteQty ?? o.qty,
  baseVolume: o.filled,
  quoteVolume: o.filledQuote,
  fees: o.fees,
  status: bitgetStatus(o),
  cTime: o.trigger?.firedAt ?? o.createdAt,
  uTime: o.updatedAt,
});

const bitgetFill = (f: SpotFill): BitgetSimFill => ({
  tradeId: f.id,
  orderId: f.orderId,
  symbol: f.market,
  side: f.side,
  orderType: f.type,
  price: f.price,
  size: f.qty,
  fee: f.fee,
  feeCoin: f.feeCoin,
  maker: f.maker,
  cTime: f.time,
});

/** The desk's refusals as Bitget answers them. */
const SPOT_CODES: Record<SpotRefusalKind, [string, string]> = {
  unknown_market: ["40034", "Parameter symbol does not exist"],
  duplicate_client_id: ["40017", "Duplicate clientOid"],
  insufficient: ["43012", "Insufficient balance"],
  not_found: ["40109", "The data of the order cannot be found, please confirm the order number"],
  finished: ["43001", "The order does not exist or has been completed"],
  bad_size: ["40808", "Parameter verification exception size"],
  bad_price: ["40808", "Parameter verification exception price"],
  below_minimum: ["45110", "less than the minimum amount"],
  below_notional: ["45110", "less than the minimum amount"],
};

export class BitgetSimulator {
  readonly markets = new Map<string, BitgetSimMarket>();
  readonly accounts = new Map<string, BitgetSimAccount>();
  readonly requests: { method: string; path: string; query: string; body: string }[] = [];
  /** Leave `feeDetail` out of order answers, so fees come from the fills list. */
  omitFeeDetail = false;
  private faults: (BitgetFault & { left: number })[] = [];
  private server?: http.Server;
  private held = new Set<http.ServerResponse>();
  private nextId = 1_100_000_000_000_000_000n;
  /** USDT perpetuals (`/api/v2/mix`, USDT-FUTURES) of every account, on the shared perpetual desk. */
  readonly mix = bitgetMixDesk();
  /** Spot balances, orders, fills and plans of every account. */
  readonly spot: SpotDesk;

  constructor(markets: BitgetSimMarket[] = BITGET_MARKETS) {
    for (const m of markets) this.markets.set(m.symbol, m);
    this.spot = new SpotDesk(
      markets.map((m) => ({
        id: m.symbol,
        base: m.base,
        quote: m.quote,
        tickSize: str(step(m.pricePrecision)),
        lotSize: str(step(m.quantityPrecision)),
        minQty: "0",
        minNotional: m.minTradeUSDT,
        price: DEFAULT_PRICES[m.symbol] ?? "0",
      })),
      () => String(this.nextId++),
      { takerRate: FEE_RATE, makerRate: FEE_RATE },
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
    this.mix?.reset();
    this.faults = [];
    this.requests.length = 0;
    this.omitFeeDetail = false;
  }

  addAccount(opts: {
    apiKey: string;
    secret: string;
    passphrase: string;
    balances?: Record<string, string>;
    canWithdraw?: boolean;
    readOnly?: boolean;
    ips?: string;
  }) {
    const desk = this.spot;
    const key = opts.apiKey;
    desk.accounts.delete(key);
    for (const [coin, free] of Object.entries(opts.balances ?? { USDT: "10000" })) desk.setBalance(key, coin, free);
    const authorities = opts.readOnly ? ["stor", "coor"] : ["stow", "coow"];
    if (opts.canWithdraw) authorities.push("wwow");
    this.accounts.set(key, {
      apiKey: key,
      secret: opts.secret,
      passphrase: opts.passphrase,
      authorities,
      ips: opts.ips ?? "",
      balances: desk.account(key).balances,
      // In the order they were created, a fired plan's order when it fired.
      get orders() {
        return desk.account(key).orders.filter((o) => !o.trigger || placedByPlan(o)).map(bitgetOrder).sort((a, b) => a.cTime - b.cTime);
      },
      get fills() {
        return desk.account(key).fills.map(bitgetFill);
      },
      plans: new BitgetPlanBook(desk, key, () => String(this.nextId++)),
    });
  }

  account(apiKey: string) {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`no simulator account ${apiKey}`);
    return account;
  }

  /** Moves the last price and fills the resting limit orders it crosses, at their limit price, as makers; fires crossed plans. */
  setPrice(symbol: string, price: string) {
    this.spot.setPrice(symbol, price);
  }

  /** Fills part of a resting limit order at its limit price, as a maker. */
  fillPart(apiKey: string, clientOid: string, qty: string) {
    const order = this.account(apiKey).orders.find((o) => o.clientOid === clientOid && isOpen(o) && o.orderType === "limit");
    if (!order) throw new Error(`no open limit order ${clientOid}`);
    this.spot.fillResting(apiKey, this.spot.find(apiKey, order.symbol, { id: order.orderId })!, qty);
  }

  injectFault(fault: BitgetFault) {
    this.faults.push({ ...fault, left: fault.count ?? 1 });
  }

  /** Bitget's rule: base64 HMAC-SHA256(secret, timestamp + METHOD + requestPath + ("?" + queryString | "") + body). */
  static sign(secret: string, timestamp: string, method: string, requestPath: string, queryString: string, body: string) {
    const prehash = timestamp + method.toUpperCase() + requestPath + (queryString ? `?${queryString}` : "") + body;
    return createHmac("sha256", secret).update(prehash).digest("base64");
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
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const answer = (code: string, msg: string, data: unknown = null) => ({ code, msg, requestTime: Date.now(), data });

    const fault = this.takeFault(url.pathname);
    if (fault?.kind === "status") {
      res.writeHead(fault.status, { "Content-Type": "text/html" });
      return res.end(`<html><body><h1>${fault.status}</h1></body></html>`);
    }
    if (fault?.kind === "rate-limit") return send(429, answer("429", "Too Many Requests"));

    try {
      const params = method === "GET" ? Object.fromEntries(url.searchParams) : body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const isPublic = url.pathname.startsWith("/api/v2/spot/public/") || url.pathname.startsWith("/api/v2/spot/market/") || url.pathname.startsWith("/api/v2/mix/market/") || url.pathname.startsWith("/api/v2/public/") || url.pathname === "/api/v2/margin/currencies";
      const account = isPublic ? undefined : this.authenticate(req.headers, method, url.pathname, query, body);
      const data = this.route(method, url.pathname, params, account);
      if (fault?.kind === "timeout-after-accept") {
        this.held.add(res);
        setTimeout(() => {
          this.held.delete(res);
          res.destroy();
        }, fault.holdMs ?? 30_000).unref();
        return;
      }
      send(200, answer("00000", "success", data));
    } catch (error) {
      if (error instanceof BitgetError) return send(error.status, answer(error.code, error.message));
      if (error instanceof BitgetMixRefusal) return send(400, answer(error.code, error.message));
      if (error instanceof SpotRefusal) return send(400, answer(...SPOT_CODES[error.kind]));
      send(500, answer("40015", String(error)));
    }
  }

  private takeFault(path: string) {
    const index = this.faults.findIndex((f) => (f.kind === "timeout-after-accept" ? path === PLACE || path === PLACE_PLAN || path === "/api/v2/mix/order/place-order" : !f.path || f.path === path));
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private authenticate(headers: http.IncomingHttpHeaders, method: string, path: string, rawQuery: string, body: string): BitgetSimAccount {
    const header = (name: string) => {
      const v = headers[name];
      return typeof v === "string" ? v : undefined;
    };
    const apiKey = header("access-key");
    const sign = header("access-sign");
    const timestamp = header("access-timestamp");
    const passphrase = header("access-passphrase");
    if (!apiKey) throw new BitgetError("40001", "ACCESS_KEY cannot be empty");
    if (!sign) throw new BitgetError("40003", "Signature cannot be empty");
    if (!timestamp) throw new BitgetError("40005", "Invalid ACCESS_TIMESTAMP");
    if (!passphrase) throw new BitgetError("40011", "ACCESS_PASSPHRASE cannot be empty");
    const account = this.accounts.get(apiKey);
    if (!account) throw new BitgetError("40006", "Invalid ACCESS_KEY");
    const ts = Number(timestamp);
    if (!Number.isFinite(ts) || Math.abs(Date.now() - ts) > TIMESTAMP_WINDOW_MS) throw new BitgetError("40008", "Request timestamp expired");
    // The query string as signed: Bitget signs the decoded values.
    const expected = Buffer.from(BitgetSimulator.sign(account.secret, timestamp, method, path, decodeURIComponent(rawQuery), body));
    const given = Buffer.from(sign);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new BitgetError("40009", "sign signature error");
    if (passphrase !== account.passphrase) throw new BitgetError("40012", "apikey/password is incorrect");
    return account;
  }

  private market(symbol: unknown): BitgetSimMarket {
    const m = typeof symbol === "string" ? this.markets.get(symbol) : undefined;
    if (!m) throw new BitgetError("40034", "Parameter symbol does not exist");
    return m;
  }

  private route(method: string, path: string, p: Record<string, unknown>, account: BitgetSimAccount | undefined): unknown {
    const key = `${method} ${path}`;
    if (key === "GET /api/v2/public/time") return { serverTime: String(Date.now()) };
    const mix = bitgetMixRoute(this.mix, key, p, account?.apiKey);
    if (mix !== null) return mix;
    if (key === "GET /api/v2/spot/public/symbols") return this.symbols(p);
    if (key === "GET /api/v2/margin/currencies") return [];
    if (key === "GET /api/v2/spot/market/tickers") return this.tickers(p);
    const acc = account!;
    switch (key) {
      case "GET /api/v2/spot/account/info":
        return { userId: "4100000001", inviterId: "0", ips: acc.ips, authorities: acc.authorities, parentId: 4100000001, traderType: "not_trader", channelCode: "", channel: "", regisTime: "1700000000000" };
      case "GET /api/v2/spot/account/assets":
        return [...acc.balances].map(([coin, b]) => ({ coin, available: str(b.free), frozen: "0", locked: str(b.locked), limitAvailable: "0", uTime: String(Date.now()) }));
      case "POST /api/v2/spot/trade/place-order":
        return this.place(acc, p);
      case "POST /api/v2/spot/trade/cancel-order":
        return this.cancel(acc, p);
      case "POST /api/v2/spot/trade/cancel-symbol-order":
        return this.cancelSymbol(acc, p);
      case "GET /api/v2/spot/trade/orderInfo":
        return this.orderInfo(acc, p);
      case "GET /api/v2/spot/trade/unfilled-orders":
        return this.list(acc, p, true);
      case "GET /api/v2/spot/trade/history-orders":
        return this.list(acc, p, false);
      case "GET /api/v2/spot/trade/fills":
        return this.fillList(acc, p);
      case "POST /api/v2/spot/trade/place-plan-order":
        if (!acc.authorities.includes("stow")) throw new BitgetError("40014", "Incorrect permissions");
        return this.planCall(() => acc.plans.place(this.planHost(acc), p));
      case "POST /api/v2/spot/trade/cancel-plan-order":
        return this.planCall(() => acc.plans.cancel(p));
      case "POST /api/v2/spot/trade/batch-cancel-plan-order":
        return this.planCall(() => acc.plans.cancelSymbols(p));
      case "GET /api/v2/spot/trade/current-plan-order":
        return this.planCall(() => acc.plans.list(p, true));
      case "GET /api/v2/spot/trade/history-plan-order":
        return this.planCall(() => acc.plans.list(p, false));
      case "GET /api/v2/spot/trade/plan-sub-order":
        return this.planCall(() =>
          acc.plans.subOrders(p, (orderId) => {
            const o = acc.orders.find((x) => x.orderId === orderId);
            return o && { price: str(o.price), orderType: o.orderType, status: o.status };
          }),
        );
      default:
        throw new BitgetError("40404", `Request URL NOT FOUND: ${key}`, 404);
    }
  }

  private planHost(acc: BitgetSimAccount): PlanHost {
    return {
      market: (symbol) => this.market(symbol),
      decimals: (value, digits, what) => this.decimals(value, digits, what),
      clientOidTaken: (clientOid) => acc.orders.some((o) => o.clientOid === clientOid) || acc.plans.plans.some((x) => x.clientOid === clientOid),
    };
  }

  private planCall<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw error instanceof PlanRefusal ? new BitgetError(error.code, error.message) : error;
    }
  }

  private symbols(p: Record<string, unknown>) {
    const markets = p.symbol ? [this.market(p.symbol)] : [...this.markets.values()];
    return markets.map((m) => ({
      symbol: m.symbol,
      baseCoin: m.base,
      quoteCoin: m.quote,
      minTradeAmount: "0",
      maxTradeAmount: "10000000000",
      takerFeeRate: FEE_RATE,
      makerFeeRate: FEE_RATE,
      pricePrecision: String(m.pricePrecision),
      quantityPrecision: String(m.quantityPrecision),
      quotePrecision: String(m.quotePrecision),
      status: "online",
      minTradeUSDT: m.minTradeUSDT,
      buyLimitPriceRatio: "0.05",
      sellLimitPriceRatio: "0.05",
      areaSymbol: "no",
      orderQuantity: "200",
      openTime: "1532454360000",
      offTime: "",
    }));
  }

  private tickers(p: Record<string, unknown>) {
    const markets = p.symbol ? [this.market(p.symbol)] : [...this.markets.values()];
    return markets.map((m) => {
      const last = str(this.prices.get(m.symbol) ?? new Decimal(0));
      return {
        symbol: m.symbol,
        high24h: last,
        open: last,
        low24h: last,
        lastPr: last,
        quoteVolume: "0",
        baseVolume: "0",
        usdtVolume: "0",
        bidPr: last,
        askPr: last,
        bidSz: "1",
        askSz: "1",
        openUtc: last,
        ts: String(Date.now()),
        changeUtc24h: "0",
        change24h: "0",
      };
    });
  }

  private decimals(value: unknown, digits: number, what: string) {
    let d: Decimal;
    try {
      d = new Decimal(String(value));
    } catch {
      throw new BitgetError("40017", `Parameter verification failed: ${what}`);
    }
    if (d.lte(0)) throw new BitgetError("40017", `Parameter verification failed: ${what}`);
    if (!d.mod(step(digits)).isZero()) throw new BitgetError("40808", `Parameter verification exception ${what} checkBDScale error value=${str(d)} checkScale=${digits}`);
    return d;
  }

  private place(acc: BitgetSimAccount, p: Record<string, unknown>) {
    if (!acc.authorities.includes("stow")) throw new BitgetError("40014", "Incorrect permissions");
    const m = this.market(p.symbol);
    const side = p.side === "buy" || p.side === "sell" ? p.side : null;
    const orderType = p.orderType === "market" || p.orderType === "limit" ? p.orderType : null;
    if (!side || !orderType) throw new BitgetError("40017", "Parameter verification failed: side or orderType");
    const clientOid = typeof p.clientOid === "string" && p.clientOid ? p.clientOid : `sys${this.nextId}`;
    if (clientOid.length > 50) throw new BitgetError("40305", "Client_oid length is not greater than 50, and cannot be Martian characters");
    if (acc.orders.some((o) => o.clientOid === clientOid)) throw new BitgetError("40017", "Duplicate clientOid");
    // A market buy is sized in the quote coin: the desk buys what it spends at the last price, rounded down to the lot.
    const quoteSized = orderType === "market" && side === "buy";
    const size = this.decimals(p.size, quoteSized ? m.quotePrecision : m.quantityPrecision, "size");
    const price = orderType === "limit" ? this.decimals(p.price, m.pricePrecision, "price") : null;
    try {
      const order = this.spot.place(acc.apiKey, {
        market: m.symbol,
        side,
        type: orderType,
        ...(quoteSized ? { quoteQty: str(size) } : { qty: str(size) }),
        price: price ? str(price) : undefined,
        clientId: clientOid,
      });
      // Bitget acknowledges with the ids only.
      return { orderId: order.id, clientOid: order.clientId };
    } catch (error) {
      if (error instanceof SpotRefusal && (error.kind === "below_minimum" || error.kind === "below_notional")) throw new BitgetError("45110", `less than the minimum amount ${m.minTradeUSDT} ${m.quote}`);
      throw error;
    }
  }

  private cancel(acc: BitgetSimAccount, p: Record<string, unknown>) {
    const m = this.market(p.symbol);
    const order = acc.orders.find((o) => o.symbol === m.symbol && (p.orderId ? o.orderId === p.orderId : o.clientOid === p.clientOid));
    if (!order) throw new BitgetError("40109", "The data of the order cannot be found, please confirm the order number");
    if (!isOpen(order)) throw new BitgetError("43001", "The order does not exist or has been completed");
    this.spot.cancel(acc.apiKey, m.symbol, { id: order.orderId });
    return { orderId: order.orderId, clientOid: order.clientOid };
  }

  private cancelSymbol(acc: BitgetSimAccount, p: Record<string, unknown>) {
    const m = this.market(p.symbol);
    this.spot.cancelAll(acc.apiKey, m.symbol, { statuses: ["open"] });
    return { symbol: m.symbol };
  }

  private orderInfo(acc: BitgetSimAccount, p: Record<string, unknown>) {
    if (!p.orderId && !p.clientOid) throw new BitgetError("40017", "Parameter verification failed: orderId or clientOid");
    // By clientOid, only an unfilled order is answered (Bitget's guide); by orderId, any order.
    const order = acc.orders.find((o) => (p.orderId ? o.orderId === p.orderId : o.clientOid === p.clientOid && isOpen(o)));
    if (!order) throw new BitgetError("40109", "The data of the order cannot be found, please confirm the order number");
    return [this.detail(order)];
  }

  private feeDetail(o: BitgetSimOrder): string | undefined {
    const [coin, fee] = [...o.fees][0] ?? [];
    if (!coin || !fee || this.omitFeeDetail) return undefined;
    const t = fee.neg().toFixed();
    return `{"newFees":{"c":0,"d":0,"deduction":false,"r":${t},"t":${t},"totalDeductionFee":0},"${coin}":{"deduction":false,"feeCoinCode":"${coin}","totalDeductionFee":0,"totalFee":${t}}}`;
  }

  /** Order info and history shape: `price` the limit, `priceAvg` the average fill. */
  private detail(o: BitgetSimOrder) {
    const avg = o.baseVolume.gt(0) ? o.quoteVolume.div(o.baseVolume) : new Decimal(0);
    const feeDetail = this.feeDetail(o);
    return {
      userId: "4100000001",
      symbol: o.symbol,
      orderId: o.orderId,
      clientOid: o.clientOid,
      price: str(o.price),
      size: str(o.size),
      orderType: o.orderType,
      side: o.side,
      status: o.status,
      priceAvg: str(avg),
      baseVolume: str(o.baseVolume),
      quoteVolume: str(o.quoteVolume),
      enterPointSource: "API",
      ...(feeDetail ? { feeDetail } : {}),
      orderSource: o.orderType === "market" ? "market" : "normal",
      cancelReason: "",
      cTime: String(o.cTime),
      uTime: String(o.uTime),
    };
  }

  private list(acc: BitgetSimAccount, p: Record<string, unknown>, open: boolean) {
    const limit = Math.min(Number(p.limit ?? 100), 100);
    const list = acc.orders
      .filter((o) => (open ? isOpen(o) : !isOpen(o)))
      .filter((o) => !p.symbol || o.symbol === p.symbol)
      .filter((o) => !p.orderId || o.orderId === p.orderId)
      .sort((a, b) => b.cTime - a.cTime || Number(BigInt(b.orderId) - BigInt(a.orderId)))
      .slice(0, limit);
    if (!open) return list.map((o) => this.detail(o));
    // Unfilled orders: `priceAvg` is the order's price and `basePrice` the average fill (Bitget's naming).
    return list.map((o) => ({
      userId: "4100000001",
      symbol: o.symbol,
      orderId: o.orderId,
      clientOid: o.clientOid,
      priceAvg: str(o.price),
      size: str(o.size),
      orderType: o.orderType,
      side: o.side,
      status: o.status,
      basePrice: str(o.baseVolume.gt(0) ? o.quoteVolume.div(o.baseVolume) : new Decimal(0)),
      baseVolume: str(o.baseVolume),
      quoteVolume: str(o.quoteVolume),
      enterPointSource: "API",
      orderSource: "normal",
      cTime: String(o.cTime),
      uTime: String(o.uTime),
      tpslType: "normal",
      triggerPrice: null,
    }));
  }

  private fillList(acc: BitgetSimAccount, p: Record<string, unknown>) {
    const m = this.market(p.symbol);
    return acc.fills
      .filter((f) => f.symbol === m.symbol && (!p.orderId || f.orderId === p.orderId))
      .sort((a, b) => b.cTime - a.cTime)
      .slice(0, Math.min(Number(p.limit ?? 100), 100))
      .map((f) => ({
        userId: "4100000001",
        symbol: f.symbol,
        orderId: f.orderId,
        tradeId: f.tradeId,
        orderType: f.orderType,
        side: f.side,
        priceAvg: str(f.price),
        size: str(f.size),
        amount: str(f.size.mul(f.price)),
        feeDetail: { deduction: "no", feeCoin: f.feeCoin, totalDeductionFee: "", totalFee: f.fee.neg().toFixed() },
        tradeScope: f.maker ? "maker" : "taker",
        cTime: String(f.cTime),
        uTime: String(f.cTime),
      }));
  }
}
