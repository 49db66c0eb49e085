import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Decimal from "decimal.js";
import { AlgoRefusal, OkxAlgoBook, type AlgoHost } from "./okx-algo-book";
import { okxSwapBalance, okxSwapDesk, okxSwapInstruments, OkxSwapRefusal, okxSwapRoute } from "./okx-swap";
import { LIVE, SpotDesk, SpotRefusal, type SpotFill, type SpotOrder } from "./spot-desk";

/**
 * A local stand-in for the part of OKX's v5 REST API (trading account, SPOT, cash mode) that ccxt's okx
 * class uses: instruments, tickers, the key's account config, balance, place (single and batch), cancel
 * (single and batch), one order by `ordId` or `clOrdId`, pending orders, order history, fills. Every private
 * request is checked as OKX does: `OK-ACCESS-SIGN` = base64 HMAC-SHA256(secret, timestamp + METHOD +
 * requestPath (with `?query` for a GET) + body), `OK-ACCESS-TIMESTAMP` an ISO time within 30 s,
 * `OK-ACCESS-PASSPHRASE` the key's passphrase. Answers are `{ code, msg, data: [...] }`; errors carry OKX's
 * codes (50111 invalid key, 50113 bad signature, 50105 wrong passphrase, 50102 stale timestamp, 50011 rate
 * limit with HTTP 429, 50001 service unavailable with HTTP 503, 51008 insufficient balance, 51016
 * duplicate clOrdId, 51020 below the minimum, 51400 cancel of a finished order, 51603 unknown order).
 *
 * Spot balances, orders and fills live on the shared spot desk (`spot-desk.ts`: market orders fill whole at
 * the last price, a market buy may be sized in quote by `tgtCcy`, limit orders rest and fill when
 * `setPrice` crosses them, clOrdIds unique among live orders), USDT perpetuals (SWAP) on the shared
 * perpetual desk (`okx-swap.ts`); spot algo orders (`oco`, `conditional`) live in `okx-algo-book.ts` and
 * fire from `setPrice` too. This file is OKX's protocol: signing, faults, codes, shapes.
 */

export interface OkxSimMarket {
  instId: string;
  base: string;
  quote: string;
  tickSz: string;
  lotSz: string;
  minSz: string;
}

export const OKX_MARKETS: OkxSimMarket[] = [
  { instId: "BTC-USDT", base: "BTC", quote: "USDT", tickSz: "0.1", lotSz: "0.00000001", minSz: "0.00001" },
  { instId: "ETH-USDT", base: "ETH", quote: "USDT", tickSz: "0.01", lotSz: "0.000001", minSz: "0.0001" },
];

const DEFAULT_PRICES: Record<string, string> = { "BTC-USDT": "60000", "ETH-USDT": "3000" };
const FEE_RATE = new Decimal("0.001");
const BATCH_MAX = 20;

type State = "live" | "partially_filled" | "filled" | "canceled";

/** A view of a desk order in OKX's terms (rebuilt on each read). */
export interface OkxSimOrder {
  ordId: string;
  clOrdId: string;
  instId: string;
  side: "buy" | "sell";
  ordType: "market" | "limit";
  /** The size as sent, and what it is counted in (a spot market buy may be sized in quote). */
  sz: Decimal;
  tgtCcy: "base_ccy" | "quote_ccy";
  px: Decimal;
  /** Base quantity the order is for. */
  qty: Decimal;
  accFillSz: Decimal;
  fillValue: Decimal;
  fee: Decimal;
  feeCcy: string;
  state: State;
  fillTime: number;
  cTime: number;
  uTime: number;
}

/** A view of a desk fill in OKX's terms (rebuilt on each read). */
export interface OkxSimFill {
  tradeId: string;
  billId: string;
  ordId: string;
  clOrdId: string;
  instId: string;
  side: "buy" | "sell";
  fillPx: Decimal;
  fillSz: Decimal;
  fee: Decimal;
  feeCcy: string;
  execType: "T" | "M";
  ts: number;
}

/** A coin of the desk's balances in OKX's terms (`frozen` is the desk's `locked`); writes go through. */
export interface OkxSimBalance {
  free: Decimal;
  frozen: Decimal;
}

export interface OkxSimAccount {
  apiKey: string;
  secret: string;
  passphrase: string;
  /** `perm`: "read_only", "trade", "withdraw" (comma-separated). */
  perm: string[];
  /** `ip`: the allow-listed addresses, "" when the key works from anywhere. */
  ip: string;
  /** The spot desk's balances of the account (rebuilt on each read). */
  readonly balances: Map<string, OkxSimBalance>;
  readonly orders: OkxSimOrder[];
  readonly fills: OkxSimFill[];
  /** Algo orders (spot `oco` / `conditional` protective sells). */
  algos: OkxAlgoBook;
  /** A SWAP-trading account: its USDT balance is the perpetual desk's margin account. */
  swap?: boolean;
}

export type OkxFault =
  | { kind: "status"; status: 500 | 502 | 503; count?: number; path?: string }
  /** OKX's per-endpoint limit: HTTP 429 with code 50011. */
  | { kind: "rate-limit"; count?: number; path?: string }
  /** The order is booked; the answer never arrives (held until `holdMs`, then the socket is dropped). */
  | { kind: "timeout-after-accept"; count?: number; holdMs?: number }
  /** An order refused with this entry code (e.g. 50061, the account's order rate limit), nothing booked. */
  | { kind: "reject"; sCode: string; sMsg: string; count?: number };

class OkxError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 200,
  ) {
    super(message);
  }
}

/** A failure of one entry of a (batch) trade request: OKX answers code "1" with the entry's `sCode`. */
class OkxEntryError extends OkxError {}

const isOpen = (o: OkxSimOrder) => o.state === "live" || o.state === "partially_filled";
const str = (d: Decimal) => d.toFixed();
const PLACE_PATHS = ["/api/v5/trade/order", "/api/v5/trade/batch-orders", "/api/v5/trade/order-algo"];
const CANCEL_FAILED = "Order cancellation failed as the order has been filled, canceled or does not exist.";
const BELOW_MINIMUM = "Your order should meet or exceed the minimum order amount.";
const lotMessage = (m: OkxSimMarket) => `Order quantity must be a multiple of the lot size ${m.lotSz}.`;

function okxState(o: SpotOrder): State {
  if (o.status === "open") return o.filled.gt(0) ? "partially_filled" : "live";
  return o.status === "filled" ? "filled" : "canceled";
}

const okxFill = (f: SpotFill): OkxSimFill => ({
  tradeId: f.id,
  billId: f.id,
  ordId: f.orderId,
  clOrdId: f.clientId,
  instId: f.market,
  side: f.side,
  fillPx: f.price,
  fillSz: f.qty,
  fee: f.fee,
  feeCcy: f.feeCoin,
  execType: f.maker ? "M" : "T",
  ts: f.time,
});

/** The desk's refusals as OKX answers them: an entry's sCode, or (unknown instrument) the request's code. */
function okxRefusal(e: SpotRefusal, m: OkxSimMarket): OkxError {
  switch (e.kind) {
    case "unknown_market":
      return new OkxError("51001", "Instrument ID does not exist.");
    case "duplicate_client_id":
      return new OkxEntryError("51016", "Duplicated clOrdId");
    case "insufficient":
      return new OkxEntryError("51008", `Order failed. Insufficient ${e.coin} balance in account.`);
    case "not_found":
    case "finished":
      return new OkxEntryError("51400", CANCEL_FAILED);
    case "bad_size":
      return new OkxEntryError("51121", lotMessage(m));
    case "bad_price":
      return new OkxEntryError("51000", "Parameter px error");
    case "below_minimum":
    case "below_notional":
      return new OkxEntryError("51020", BELOW_MINIMUM);
  }
}

export class OkxSimulator {
  readonly markets = new Map<string, OkxSimMarket>();
  readonly accounts = new Map<string, OkxSimAccount>();
  readonly requests: { method: string; path: string; query: string; body: string }[] = [];
  private faults: (OkxFault & { left: number })[] = [];
  private server?: http.Server;
  private held = new Set<http.ServerResponse>();
  private nextId = 600_000_000_000_000_000n;
  /** USDT perpetuals (SWAP) of every account, on the shared perpetual desk. */
  readonly swap = okxSwapDesk(() => String(this.nextId++));
  /** Spot balances, orders and fills of every account. */
  readonly spot: SpotDesk;
  /** What each spot order was sized as (`sz`, `tgtCcy`), by ordId: the desk keeps the base quantity only. */
  private readonly sized = new Map<string, { sz: Decimal; tgtCcy: "base_ccy" | "quote_ccy" }>();

  constructor(markets: OkxSimMarket[] = OKX_MARKETS) {
    for (const m of markets) this.markets.set(m.instId, m);
    this.spot = new SpotDesk(
      markets.map((m) => ({ id: m.instId, base: m.base, quote: m.quote, tickSize: m.tickSz, lotSize: m.lotSz, minQty: m.minSz, minNotional: "0", price: DEFAULT_PRICES[m.instId] ?? "0" })),
      () => String(this.nextId++),
      { takerRate: str(FEE_RATE), makerRate: str(FEE_RATE), uniqueClientIds: "live" },
    );
    this.reset();
  }

  /** Last prices, by instId (the spot desk's). */
  get prices() {
    return this.spot.prices;
  }

  reset() {
    this.spot.reset();
    this.sized.clear();
    this.accounts.clear();
    this.swap?.reset();
    this.faults = [];
    this.requests.length = 0;
  }

  addAccount(opts: { apiKey: string; secret: string; passphrase: string; balances?: Record<string, string>; perm?: string[]; ip?: string; swap?: boolean }) {
    const key = opts.apiKey;
    this.spot.accounts.delete(key);
    this.spot.account(key);
    for (const [ccy, free] of Object.entries(opts.balances ?? { USDT: "10000" })) this.spot.setBalance(key, ccy, free);
    const balances = () => new Map([...this.spot.account(key).balances.keys()].map((ccy) => [ccy, this.funds(key, ccy)]));
    const orders = () => this.spot.account(key).orders.map((o) => this.okxOrder(key, o));
    const fills = () => this.spot.account(key).fills.map(okxFill);
    this.accounts.set(key, {
      apiKey: key,
      secret: opts.secret,
      passphrase: opts.passphrase,
      perm: opts.perm ?? ["read_only", "trade"],
      ip: opts.ip ?? "",
      get balances() {
        return balances();
      },
      get orders() {
        return orders();
      },
      get fills() {
        return fills();
      },
      algos: new OkxAlgoBook(() => String(this.nextId++)),
      swap: opts.swap,
    });
  }

  account(apiKey: string) {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`no simulator account ${apiKey}`);
    return account;
  }

  /** Moves the last price and fills the resting limit orders it crosses, at their limit price, as makers; fires crossed algos. */
  setPrice(instId: string, price: string) {
    this.spot.setPrice(instId, price);
    const p = this.prices.get(instId)!;
    for (const account of this.accounts.values()) account.algos.trigger(this.algoHost(account), instId, p);
  }

  injectFault(fault: OkxFault) {
    this.faults.push({ ...fault, left: fault.count ?? 1 });
  }

  clearFaults() {
    this.faults = [];
  }

  /** OKX's v5 rule: base64 HMAC-SHA256(secret, timestamp + METHOD + requestPath + body). */
  static sign(secret: string, timestamp: string, method: string, requestPath: string, body = "") {
    return createHmac("sha256", secret).update(timestamp + method.toUpperCase() + requestPath + body).digest("base64");
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
    const answer = (code: string, msg: string, data: unknown[] = []) => ({ code, msg, data });

    const fault = this.takeFault(url.pathname);
    if (fault?.kind === "status") {
      if (fault.status === 502) {
        res.writeHead(502, { "Content-Type": "text/html" });
        return res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
      }
      return send(fault.status, answer("50001", "Service temporarily unavailable. Try again later"));
    }
    if (fault?.kind === "reject") return send(200, answer("1", "All operations failed", [{ clOrdId: "", ordId: "", sCode: fault.sCode, sMsg: fault.sMsg, tag: "", ts: String(Date.now()) }]));
    if (fault?.kind === "rate-limit") return send(429, answer("50011", "Rate limit reached. Please refer to API documentation and throttle requests accordingly"));

    try {
      let account: OkxSimAccount | undefined;
      if (!url.pathname.startsWith("/api/v5/public/") && !url.pathname.startsWith("/api/v5/market/")) {
        // GET parameters are part of the signed request path, a POST's JSON body follows it.
        account = this.authenticate(req.headers, method, method === "GET" ? rawUrl : url.pathname, method === "GET" ? "" : body);
      }
      const params: unknown = method === "GET" ? Object.fromEntries(url.searchParams) : body ? JSON.parse(body) : {};
      const { data, partial } = this.route(method, url.pathname, params, account);
      if (fault?.kind === "timeout-after-accept") {
        this.held.add(res);
        setTimeout(() => {
          this.held.delete(res);
          res.destroy();
        }, fault.holdMs ?? 30_000).unref();
        return;
      }
      send(200, { ...answer(partial ? "2" : "0", "", data), ...(PLACE_PATHS.includes(url.pathname) ? { inTime: `${Date.now()}000`, outTime: `${Date.now()}000` } : {}) });
    } catch (error) {
      if (error instanceof OkxSwapRefusal && error.entry) return send(200, answer("1", "All operations failed", [{ clOrdId: "", ordId: "", sCode: error.code, sMsg: error.message, tag: "", ts: String(Date.now()) }]));
      if (error instanceof OkxSwapRefusal) return send(200, answer(error.code, error.message));
      if (error instanceof OkxEntryError) return send(200, answer("1", "All operations failed", [{ clOrdId: "", ordId: "", sCode: error.code, sMsg: error.message, tag: "", ts: String(Date.now()) }]));
      if (error instanceof OkxError) return send(error.status, answer(error.code, error.message));
      send(500, answer("50026", String(error)));
    }
  }

  private takeFault(path: string) {
    const index = this.faults.findIndex((f) => (f.kind === "timeout-after-accept" || f.kind === "reject" ? PLACE_PATHS.includes(path) : !f.path || f.path === path));
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.faults.splice(index, 1);
    return fault;
  }

  private authenticate(headers: http.IncomingHttpHeaders, method: string, requestPath: string, body: string): OkxSimAccount {
    const header = (name: string) => {
      const v = headers[name];
      return typeof v === "string" ? v : undefined;
    };
    const apiKey = header("ok-access-key");
    const sign = header("ok-access-sign");
    const timestamp = header("ok-access-timestamp");
    const passphrase = header("ok-access-passphrase");
    if (!apiKey) throw new OkxError("50103", 'Request header "OK-ACCESS-KEY" cannot be empty.', 401);
    if (!passphrase) throw new OkxError("50104", 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.', 401);
    if (!sign) throw new OkxError("50106", 'Request header "OK-ACCESS-SIGN" cannot be empty.', 401);
    if (!timestamp) throw new OkxError("50107", 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.', 401);
    const account = this.accounts.get(apiKey);
    if (!account) throw new OkxError("50111", "Invalid OK-ACCESS-KEY", 401);
    const ts = Date.parse(timestamp);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/.test(timestamp) || !Number.isFinite(ts)) throw new OkxError("50112", "Invalid OK-ACCESS-TIMESTAMP.", 401);
    if (Math.abs(Date.now() - ts) > 30_000) throw new OkxError("50102", "Timestamp request expired.", 401);
    if (passphrase !== account.passphrase) throw new OkxError("50105", 'Request header "OK-ACCESS-PASSPHRASE" incorrect', 401);
    const expected = Buffer.from(OkxSimulator.sign(account.secret, timestamp, method, requestPath, body));
    const given = Buffer.from(sign);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new OkxError("50113", "Invalid signature", 401);
    return account;
  }

  private market(instId: unknown): OkxSimMarket {
    const m = typeof instId === "string" ? this.markets.get(instId) : undefined;
    if (!m) throw new OkxError("51001", "Instrument ID does not exist.");
    return m;
  }

  private route(method: string, path: string, params: unknown, account: OkxSimAccount | undefined): { data: unknown[]; partial?: boolean } {
    const key = `${method} ${path.replace(/^\/api\/v5\//, "")}`;
    const p = (Array.isArray(params) ? {} : params) as Record<string, unknown>;
    if (key === "GET public/time") return { data: [{ ts: String(Date.now()) }] };
    if (key === "GET public/instruments") return { data: this.instruments(p) };
    const swap = okxSwapRoute(this.swap, key, params, account?.apiKey);
    if (swap) return swap;
    if (key === "GET market/ticker") return { data: [this.ticker(this.market(p.instId))] };
    if (key === "GET market/tickers") {
      this.spotOnly(p);
      return { data: [...this.markets.values()].map((m) => this.ticker(m)) };
    }
    const acc = account!;
    switch (key) {
      case "GET account/config":
        return { data: [this.config(acc)] };
      case "GET account/balance":
        return { data: [this.balanceOf(acc, p)] };
      case "POST trade/order":
        return { data: [this.place(acc, p)] };
      case "POST trade/batch-orders":
        return this.batch(params, (entry) => this.place(acc, entry));
      case "POST trade/cancel-order":
        return { data: [this.cancel(acc, p)] };
      case "POST trade/cancel-batch-orders":
        return this.batch(params, (entry) => this.cancel(acc, entry));
      case "GET trade/order":
        return { data: [this.orderInfo(this.findOrder(acc, p))] };
      case "GET trade/orders-pending":
        return { data: this.orderList(acc, p, true) };
      case "GET trade/orders-history":
        return { data: this.orderList(acc, p, false) };
      case "GET trade/fills":
      case "GET trade/fills-history":
        return { data: this.fillList(acc, p) };
      case "POST trade/order-algo":
        return { data: [this.algoCall(() => acc.algos.place(this.algoHost(acc), p))] };
      case "POST trade/cancel-algos":
        return this.batch(params, (entry) => this.algoCall(() => acc.algos.cancel(this.algoHost(acc), entry)));
      case "GET trade/order-algo":
        return { data: [this.algoCall(() => acc.algos.find(p))] };
      case "GET trade/orders-algo-pending":
        return { data: this.algoCall(() => acc.algos.list(p, true)) };
      case "GET trade/orders-algo-history":
        return { data: this.algoCall(() => acc.algos.list(p, false)) };
      default:
        throw new OkxError("50115", `Invalid request method or path: ${method} ${path}`, 404);
    }
  }

  private algoHost(acc: OkxSimAccount): AlgoHost {
    return { market: (instId) => this.market(instId), funds: (ccy) => this.funds(acc.apiKey, ccy), place: (p) => this.place(acc, p).ordId };
  }

  /** The algo book's refusals as OKX answers them: an entry's sCode, or the request's code. */
  private algoCall<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof AlgoRefusal)) throw error;
      throw error.entry ? new OkxEntryError(error.code, error.message) : new OkxError(error.code, error.message);
    }
  }

  /** Each entry on its own: "0" when all pass, "2" when some do, "1" (all failed) when none does. */
  private batch(params: unknown, one: (entry: Record<string, unknown>) => Record<string, unknown>): { data: unknown[]; partial?: boolean } {
    if (!Array.isArray(params) || params.length === 0) throw new OkxError("50000", "Body cannot be empty.", 400);
    if (params.length > BATCH_MAX) throw new OkxError("51000", "Parameter batch size error", 400);
    let failed = 0;
    const data = params.map((entry: Record<string, unknown>) => {
      try {
        return one(entry);
      } catch (error) {
        if (!(error instanceof OkxEntryError)) throw error;
        failed += 1;
        return { clOrdId: String(entry.clOrdId ?? ""), ordId: String(entry.ordId ?? ""), tag: "", ts: String(Date.now()), sCode: error.code, sMsg: error.message };
      }
    });
    if (failed === data.length) {
      const first = data[0] as { sCode: string; sMsg: string };
      throw new OkxEntryError(first.sCode, first.sMsg);
    }
    return { data, partial: failed > 0 };
  }

  private spotOnly(p: Record<string, unknown>) {
    if (p.instType !== "SPOT") throw new OkxError("51000", "Parameter instType error (the simulator serves SPOT only)");
    return true;
  }

  private instruments(p: Record<string, unknown>) {
    // USDT perpetuals: instruments only (contract sizes), for sizing through ccxt's own market parsing.
    if (p.instType === "SWAP") return okxSwapInstruments();
    this.spotOnly(p);
    return [...this.markets.values()].map((m) => ({
      instType: "SPOT",
      instId: m.instId,
      uly: "",
      instFamily: "",
      category: "1",
      baseCcy: m.base,
      quoteCcy: m.quote,
      settleCcy: "",
      ctVal: "",
      ctMult: "",
      ctValCcy: "",
      optType: "",
      stk: "",
      listTime: "1606468572000",
      expTime: "",
      lever: "10",
      tickSz: m.tickSz,
      lotSz: m.lotSz,
      minSz: m.minSz,
      ctType: "",
      alias: "",
      state: "live",
      ruleType: "normal",
      maxLmtSz: "9999999999",
      maxMktSz: "1000000",
      maxLmtAmt: "20000000",
      maxMktAmt: "1000000",
      maxTwapSz: "9999999999",
      maxIcebergSz: "9999999999",
      maxTriggerSz: "9999999999",
      maxStopSz: "1000000",
    }));
  }

  private ticker(m: OkxSimMarket) {
    const last = str(this.prices.get(m.instId) ?? new Decimal(0));
    return {
      instType: "SPOT",
      instId: m.instId,
      last,
      lastSz: "0.001",
      askPx: last,
      askSz: "1",
      bidPx: last,
      bidSz: "1",
      open24h: last,
      high24h: last,
      low24h: last,
      volCcy24h: "0",
      vol24h: "0",
      ts: String(Date.now()),
      sodUtc0: last,
      sodUtc8: last,
    };
  }

  private config(acc: OkxSimAccount) {
    return {
      acctLv: "1",
      acctStpMode: "cancel_maker",
      autoLoan: false,
      ctIsoMode: "automatic",
      enableSpotBorrow: false,
      greeksType: "PA",
      ip: acc.ip,
      type: "0",
      kycLv: "2",
      label: "simulator",
      level: "Lv1",
      levelTmp: "",
      liquidationGear: "-1",
      mainUid: "44705892343619584",
      mgnIsoMode: "automatic",
      opAuth: "0",
      perm: acc.perm.join(","),
      posMode: "net_mode",
      roleType: "0",
      spotBorrowAutoRepay: false,
      spotOffsetType: "",
      spotRoleType: "0",
      spotTraderInsts: [],
      traderInsts: [],
      uid: "44705892343619584",
    };
  }

  private balanceOf(acc: OkxSimAccount, p: Record<string, unknown>) {
    const wanted = typeof p.ccy === "string" ? p.ccy.split(",") : null;
    const now = String(Date.now());
    // A spot-mode (acctLv 1) account: no margin fields, `availEq` empty, so `availBal`/`frozenBal` count.
    const details = [...this.spot.account(acc.apiKey).balances]
      .filter(([ccy]) => !wanted || wanted.includes(ccy))
      .filter(([ccy]) => !(acc.swap && ccy === "USDT"))
      .map(([ccy, b]) => ({
        ccy,
        eq: str(b.free.add(b.locked)),
        cashBal: str(b.free.add(b.locked)),
        availBal: str(b.free),
        availEq: "",
        frozenBal: str(b.locked),
        ordFrozen: str(b.locked),
        disEq: "0",
        eqUsd: "0",
        upl: "0",
        uTime: now,
        crossLiab: "",
        isoEq: "",
        liab: "",
        interest: "",
        maxLoan: "",
        mgnRatio: "",
        notionalLever: "",
        twap: "0",
        stgyEq: "0",
        spotInUseAmt: "",
      }));
    return { adjEq: "", availEq: "", borrowFroz: "", imr: "", isoEq: "0", mgnRatio: "", mmr: "", notionalUsd: "", ordFroz: "", totalEq: "0", uTime: now, upl: "", details: acc.swap && (!wanted || wanted.includes("USDT")) ? [...details, { ...okxSwapBalance(this.swap, acc.apiKey), uTime: now }] : details };
  }

  /** The coin's desk balance (created empty on first use) as OKX's free / frozen; writes go through. */
  private funds(key: string, ccy: string): OkxSimBalance {
    const desk = this.spot;
    desk.balance(key, ccy);
    return {
      get free() {
        return desk.balance(key, ccy).free;
      },
      set free(v) {
        desk.balance(key, ccy).free = v;
      },
      get frozen() {
        return desk.balance(key, ccy).locked;
      },
      set frozen(v) {
        desk.balance(key, ccy).locked = v;
      },
    };
  }

  private place(acc: OkxSimAccount, p: Record<string, unknown>) {
    if (!acc.perm.includes("trade")) throw new OkxError("50114", "Invalid Authority", 401);
    const m = this.market(p.instId);
    if (p.tdMode !== "cash") throw new OkxEntryError("51000", "Parameter tdMode error");
    const side = p.side === "buy" || p.side === "sell" ? p.side : null;
    const ordType = p.ordType === "market" || p.ordType === "limit" ? p.ordType : null;
    if (!side || !ordType) throw new OkxEntryError("51000", "Parameter side or ordType error");
    const clOrdId = typeof p.clOrdId === "string" ? p.clOrdId : "";
    if (clOrdId && !/^[A-Za-z0-9]{1,32}$/.test(clOrdId)) throw new OkxEntryError("51000", "Parameter clOrdId error");
    if (clOrdId && this.spot.orders(acc.apiKey, { clientId: clOrdId, statuses: LIVE }).length > 0) throw new OkxEntryError("51016", "Duplicated clOrdId");
    // A spot market buy is sized in the quote currency unless `tgtCcy` says base_ccy (OKX's default).
    const tgtCcy = p.tgtCcy === "base_ccy" || p.tgtCcy === "quote_ccy" ? p.tgtCcy : ordType === "market" && side === "buy" ? "quote_ccy" : "base_ccy";
    const sz = new Decimal(String(p.sz ?? "0"));
    const last = this.prices.get(m.instId)!;
    const qty = tgtCcy === "quote_ccy" ? sz.div(last).toDecimalPlaces(new Decimal(m.lotSz).decimalPlaces(), Decimal.ROUND_DOWN) : sz;
    // OKX checks the lot step before the minimum; the desk the other way round.
    if (tgtCcy === "base_ccy" && !sz.mod(m.lotSz).isZero()) throw new OkxEntryError("51121", lotMessage(m));
    if (qty.lt(m.minSz)) throw new OkxEntryError("51020", BELOW_MINIMUM);
    const byCost = tgtCcy === "quote_ccy" && ordType === "market" && side === "buy";
    const order = this.onDesk(m, () =>
      this.spot.place(acc.apiKey, {
        market: m.instId,
        side,
        type: ordType,
        ...(byCost ? { quoteQty: str(sz) } : { qty: str(qty) }),
        price: ordType === "limit" ? String(p.px ?? "0") : undefined,
        clientId: clOrdId,
      }),
    );
    this.sized.set(order.id, { sz, tgtCcy });
    // OKX acknowledges with the ids only; the order's state comes from the order endpoints.
    return { clOrdId, ordId: order.id, tag: "", ts: String(order.createdAt), sCode: "0", sMsg: "Order placed" };
  }

  private onDesk<T>(m: OkxSimMarket, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw error instanceof SpotRefusal ? okxRefusal(error, m) : error;
    }
  }

  private okxOrder(key: string, o: SpotOrder): OkxSimOrder {
    const m = this.markets.get(o.market)!;
    const sized = this.sized.get(o.id);
    const lastFill = this.spot.account(key).fills.filter((f) => f.orderId === o.id).at(-1);
    return {
      ordId: o.id,
      clOrdId: o.clientId,
      instId: o.market,
      side: o.side,
      ordType: o.type,
      sz: sized?.sz ?? o.qty,
      tgtCcy: sized?.tgtCcy ?? "base_ccy",
      px: o.price,
      qty: o.qty,
      accFillSz: o.filled,
      fillValue: o.filledQuote,
      fee: [...o.fees.values()].reduce((s, f) => s.add(f), new Decimal(0)),
      feeCcy: o.side === "buy" ? m.base : m.quote,
      state: okxState(o),
      fillTime: lastFill?.time ?? 0,
      cTime: o.createdAt,
      uTime: o.updatedAt,
    };
  }

  private findOrder(acc: OkxSimAccount, p: Record<string, unknown>): OkxSimOrder {
    this.market(p.instId);
    if (!p.ordId && !p.clOrdId) throw new OkxError("51003", "Either client order ID or order ID is required.");
    // By clOrdId the latest order under that id (OKX keeps ids unique among pending orders only).
    const found = this.spot.account(acc.apiKey).orders.filter((o) => o.market === p.instId && (p.ordId ? o.id === p.ordId : o.clientId === p.clOrdId)).at(-1);
    if (!found) throw new OkxError("51603", "Order does not exist");
    return this.okxOrder(acc.apiKey, found);
  }

  private cancel(acc: OkxSimAccount, p: Record<string, unknown>) {
    if (!acc.perm.includes("trade")) throw new OkxError("50114", "Invalid Authority", 401);
    const m = this.market(p.instId);
    // The first order under the id, as before the desk: a clOrdId reused after a finished order cancels nothing.
    const order = this.spot.account(acc.apiKey).orders.find((o) => o.market === p.instId && (p.ordId ? o.id === p.ordId : Boolean(p.clOrdId) && o.clientId === p.clOrdId));
    if (!order || order.status !== "open") throw new OkxEntryError("51400", CANCEL_FAILED);
    this.onDesk(m, () => this.spot.cancel(acc.apiKey, m.instId, { id: order.id }));
    return { clOrdId: order.clientId, ordId: order.id, ts: String(order.updatedAt), sCode: "0", sMsg: "" };
  }

  private orderList(acc: OkxSimAccount, p: Record<string, unknown>, open: boolean) {
    if (!open && !p.instType) throw new OkxError("50014", "Parameter instType cannot be empty.");
    if (p.instType && p.instType !== "SPOT") return [];
    const limit = Math.min(Number(p.limit ?? 100), 100);
    return acc.orders
      .filter((o) => (open ? isOpen(o) : !isOpen(o)))
      .filter((o) => !p.instId || o.instId === p.instId)
      .filter((o) => !p.ordType || o.ordType === p.ordType)
      .filter((o) => !p.state || o.state === p.state)
      .sort((a, b) => b.cTime - a.cTime)
      .slice(0, limit)
      .map((o) => this.orderInfo(o));
  }

  private orderInfo(o: OkxSimOrder) {
    const avg = o.accFillSz.gt(0) ? o.fillValue.div(o.accFillSz) : null;
    const lastFill = [...this.spot.accounts.values()].flatMap((a) => a.fills).filter((f) => f.orderId === o.ordId).at(-1);
    return {
      instType: "SPOT",
      instId: o.instId,
      tgtCcy: o.ordType === "market" ? o.tgtCcy : "",
      ccy: "",
      ordId: o.ordId,
      clOrdId: o.clOrdId,
      tag: "",
      px: o.ordType === "limit" ? str(o.px) : "",
      pxUsd: "",
      pxVol: "",
      pxType: "",
      sz: str(o.sz),
      pnl: "0",
      ordType: o.ordType,
      side: o.side,
      posSide: "net",
      tdMode: "cash",
      accFillSz: str(o.accFillSz),
      fillPx: lastFill ? str(lastFill.price) : "",
      tradeId: lastFill?.id ?? "",
      fillSz: lastFill ? str(lastFill.qty) : "0",
      fillTime: o.fillTime ? String(o.fillTime) : "",
      avgPx: avg ? str(avg) : "",
      state: o.state,
      lever: "",
      attachAlgoClOrdId: "",
      tpTriggerPx: "",
      tpTriggerPxType: "",
      tpOrdPx: "",
      slTriggerPx: "",
      slTriggerPxType: "",
      slOrdPx: "",
      attachAlgoOrds: [],
      stpId: "",
      stpMode: "cancel_maker",
      // OKX signs fees: a charge is negative, a rebate positive.
      feeCcy: o.feeCcy,
      fee: str(o.fee.neg()),
      rebateCcy: o.side === "buy" ? o.feeCcy : "",
      rebate: "0",
      source: "",
      category: "normal",
      reduceOnly: "false",
      isTpLimit: "false",
      cancelSource: o.state === "canceled" ? "1" : "",
      cancelSourceReason: o.state === "canceled" ? "Order canceled by user" : "",
      quickMgnType: "",
      algoClOrdId: "",
      algoId: "",
      uTime: String(o.uTime),
      cTime: String(o.cTime),
    };
  }

  private fillList(acc: OkxSimAccount, p: Record<string, unknown>) {
    if (p.instType && p.instType !== "SPOT") return [];
    return acc.fills
      .filter((f) => !p.instId || f.instId === p.instId)
      .filter((f) => !p.ordId || f.ordId === p.ordId)
      .sort((a, b) => b.ts - a.ts)
      .slice(0, Math.min(Number(p.limit ?? 100), 100))
      .map((f) => ({
        instType: "SPOT",
        instId: f.instId,
        tradeId: f.tradeId,
        ordId: f.ordId,
        clOrdId: f.clOrdId,
        billId: f.billId,
        subType: f.side === "buy" ? "1" : "2",
        tag: "",
        fillPx: str(f.fillPx),
        fillSz: str(f.fillSz),
        fillIdxPx: "",
        fillPnl: "0",
        fillPxVol: "",
        fillPxUsd: "",
        fillMarkVol: "",
        fillFwdPx: "",
        fillMarkPx: "",
        side: f.side,
        posSide: "net",
        execType: f.execType,
        feeCcy: f.feeCcy,
        fee: str(f.fee.neg()),
        ts: String(f.ts),
        fillTime: String(f.ts),
        feeRate: str(FEE_RATE.neg()),
      }));
  }
}
