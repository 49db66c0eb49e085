import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Decimal from "decimal.js";
import { AlgoRefusal, OkxAlgoBook, type AlgoHost } from "./okx-algo-book";
import { okxSwapBalance, okxSwapDesk, okxSwapInstruments, OkxSwapRefusal, okxSwapRoute } from "./okx-swap";

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
 * Like the Bybit simulator, its matching is a small local engine: market orders fill whole at the last
 * price, limit orders rest and fill when `setPrice` crosses them. Spot algo orders (`oco`, `conditional`)
 * live in `okx-algo-book.ts` and fire from `setPrice` too.
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

export interface OkxSimAccount {
  apiKey: string;
  secret: string;
  passphrase: string;
  /** `perm`: "read_only", "trade", "withdraw" (comma-separated). */
  perm: string[];
  /** `ip`: the allow-listed addresses, "" when the key works from anywhere. */
  ip: string;
  balances: Map<string, { free: Decimal; frozen: Decimal }>;
  orders: OkxSimOrder[];
  fills: OkxSimFill[];
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

export class OkxSimulator {
  readonly markets = new Map<string, OkxSimMarket>();
  readonly prices = new Map<string, Decimal>();
  readonly accounts = new Map<string, OkxSimAccount>();
  readonly requests: { method: string; path: string; query: string; body: string }[] = [];
  private faults: (OkxFault & { left: number })[] = [];
  private server?: http.Server;
  private held = new Set<http.ServerResponse>();
  private nextId = 600_000_000_000_000_000n;
  /** USDT perpetuals (SWAP) of every account, on the shared perpetual desk. */
  readonly swap = okxSwapDesk(() => String(this.nextId++));

  constructor(markets: OkxSimMarket[] = OKX_MARKETS) {
    for (const m of markets) this.markets.set(m.instId, m);
    this.reset();
  }

  reset() {
    this.prices.clear();
    for (const [s, p] of Object.entries(DEFAULT_PRICES)) if (this.markets.has(s)) this.prices.set(s, new Decimal(p));
    this.accounts.clear();
    this.swap?.reset();
    this.faults = [];
    this.requests.length = 0;
  }

  addAccount(opts: { apiKey: string; secret: string; passphrase: string; balances?: Record<string, string>; perm?: string[]; ip?: string; swap?: boolean }) {
    const balances = new Map<string, { free: Decimal; frozen: Decimal }>();
    for (const [ccy, free] of Object.entries(opts.balances ?? { USDT: "10000" })) balances.set(ccy, { free: new Decimal(free), frozen: new Decimal(0) });
    this.accounts.set(opts.apiKey, {
      apiKey: opts.apiKey,
      secret: opts.secret,
      passphrase: opts.passphrase,
      perm: opts.perm ?? ["read_only", "trade"],
      ip: opts.ip ?? "",
      balances,
      orders: [],
      fills: [],
      algos: new OkxAlgoBook(() => String(this.nextId++)),
      swap: opts.swap,
    });
  }

  account(apiKey: string) {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`no simulator account ${apiKey}`);
    return account;
  }

  /** Moves the last price and fills the resting limit orders it crosses, at their limit price, as makers. */
  setPrice(instId: string, price: string) {
    const p = new Decimal(price);
    this.prices.set(instId, p);
    for (const account of this.accounts.values()) {
      for (const order of account.orders) {
        if (order.instId !== instId || !isOpen(order) || order.ordType !== "limit") continue;
        const crosses = order.side === "buy" ? p.lte(order.px) : p.gte(order.px);
        if (crosses) this.fill(account, order, order.qty.sub(order.accFillSz), order.px, true);
      }
      account.algos.trigger(this.algoHost(account), instId, p);
    }
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
    return { market: (instId) => this.market(instId), funds: (ccy) => this.funds(acc, ccy), place: (p) => this.place(acc, p).ordId };
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
    const details = [...acc.balances]
      .filter(([ccy]) => !wanted || wanted.includes(ccy))
      .filter(([ccy]) => !(acc.swap && ccy === "USDT"))
      .map(([ccy, b]) => ({
        ccy,
        eq: str(b.free.add(b.frozen)),
        cashBal: str(b.free.add(b.frozen)),
        availBal: str(b.free),
        availEq: "",
        frozenBal: str(b.frozen),
        ordFrozen: str(b.frozen),
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

  private funds(acc: OkxSimAccount, ccy: string) {
    let b = acc.balances.get(ccy);
    if (!b) {
      b = { free: new Decimal(0), frozen: new Decimal(0) };
      acc.balances.set(ccy, b);
    }
    return b;
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
    if (clOrdId && acc.orders.some((o) => o.clOrdId === clOrdId && isOpen(o))) throw new OkxEntryError("51016", "Duplicated clOrdId");
    // A spot market buy is sized in the quote currency unless `tgtCcy` says base_ccy (OKX's default).
    const tgtCcy = p.tgtCcy === "base_ccy" || p.tgtCcy === "quote_ccy" ? p.tgtCcy : ordType === "market" && side === "buy" ? "quote_ccy" : "base_ccy";
    const sz = new Decimal(String(p.sz ?? "0"));
    const last = this.prices.get(m.instId)!;
    const qty = tgtCcy === "quote_ccy" ? sz.div(last).toDecimalPlaces(new Decimal(m.lotSz).decimalPlaces(), Decimal.ROUND_DOWN) : sz;
    if (tgtCcy === "base_ccy" && !sz.mod(m.lotSz).isZero()) throw new OkxEntryError("51121", `Order quantity must be a multiple of the lot size ${m.lotSz}.`);
    if (qty.lt(m.minSz)) throw new OkxEntryError("51020", "Your order should meet or exceed the minimum order amount.");
    const px = ordType === "limit" ? new Decimal(String(p.px ?? "0")) : new Decimal(0);
    if (ordType === "limit" && (px.lte(0) || !px.mod(m.tickSz).isZero())) throw new OkxEntryError("51000", "Parameter px error");
    const need = side === "buy" ? (ordType === "limit" ? qty.mul(px) : tgtCcy === "quote_ccy" ? sz : qty.mul(last)) : qty;
    const ccy = side === "buy" ? m.quote : m.base;
    const funds = this.funds(acc, ccy);
    if (funds.free.lt(need)) throw new OkxEntryError("51008", `Order failed. Insufficient ${ccy} balance in account.`);
    const now = Date.now();
    const order: OkxSimOrder = {
      ordId: String(this.nextId++),
      clOrdId,
      instId: m.instId,
      side,
      ordType,
      sz,
      tgtCcy,
      px,
      qty,
      accFillSz: new Decimal(0),
      fillValue: new Decimal(0),
      fee: new Decimal(0),
      feeCcy: side === "buy" ? m.base : m.quote,
      state: "live",
      fillTime: 0,
      cTime: now,
      uTime: now,
    };
    acc.orders.push(order);
    if (ordType === "market") {
      this.fill(acc, order, qty, last, false);
    } else {
      funds.free = funds.free.sub(need);
      funds.frozen = funds.frozen.add(need);
      const marketable = side === "buy" ? last.lte(px) : last.gte(px);
      if (marketable) this.fill(acc, order, qty, last, false);
    }
    // OKX acknowledges with the ids only; the order's state comes from the order endpoints.
    return { clOrdId, ordId: order.ordId, tag: "", ts: String(now), sCode: "0", sMsg: "Order placed" };
  }

  private fill(acc: OkxSimAccount, order: OkxSimOrder, qty: Decimal, price: Decimal, maker: boolean) {
    const m = this.markets.get(order.instId)!;
    const value = qty.mul(price);
    const base = this.funds(acc, m.base);
    const quote = this.funds(acc, m.quote);
    let fee: Decimal;
    if (order.side === "buy") {
      if (order.ordType === "limit") {
        const reserved = qty.mul(order.px);
        quote.frozen = quote.frozen.sub(reserved);
        quote.free = quote.free.add(reserved).sub(value);
      } else {
        quote.free = quote.free.sub(value);
      }
      fee = qty.mul(FEE_RATE);
      base.free = base.free.add(qty).sub(fee);
    } else {
      if (order.ordType === "limit") base.frozen = base.frozen.sub(qty);
      else base.free = base.free.sub(qty);
      fee = value.mul(FEE_RATE);
      quote.free = quote.free.add(value).sub(fee);
    }
    const now = Date.now();
    order.accFillSz = order.accFillSz.add(qty);
    order.fillValue = order.fillValue.add(value);
    order.fee = order.fee.add(fee);
    order.state = order.accFillSz.gte(order.qty) ? "filled" : "partially_filled";
    order.fillTime = now;
    order.uTime = now;
    const id = String(this.nextId++);
    acc.fills.push({
      tradeId: id,
      billId: id,
      ordId: order.ordId,
      clOrdId: order.clOrdId,
      instId: order.instId,
      side: order.side,
      fillPx: price,
      fillSz: qty,
      fee,
      feeCcy: order.feeCcy,
      execType: maker ? "M" : "T",
      ts: now,
    });
  }

  private findOrder(acc: OkxSimAccount, p: Record<string, unknown>): OkxSimOrder {
    this.market(p.instId);
    if (!p.ordId && !p.clOrdId) throw new OkxError("51003", "Either client order ID or order ID is required.");
    // By clOrdId the latest order under that id (OKX keeps ids unique among pending orders only).
    const found = acc.orders.filter((o) => o.instId === p.instId && (p.ordId ? o.ordId === p.ordId : o.clOrdId === p.clOrdId)).at(-1);
    if (!found) throw new OkxError("51603", "Order does not exist");
    return found;
  }

  private cancel(acc: OkxSimAccount, p: Record<string, unknown>) {
    if (!acc.perm.includes("trade")) throw new OkxError("50114", "Invalid Authority", 401);
    this.market(p.instId);
    const order = acc.orders.find((o) => o.instId === p.instId && (p.ordId ? o.ordId === p.ordId : Boolean(p.clOrdId) && o.clOrdId === p.clOrdId));
    if (!order || !isOpen(order)) throw new OkxEntryError("51400", "Order cancellation failed as the order has been filled, canceled or does not exist.");
    const m = this.markets.get(order.instId)!;
    const left = order.qty.sub(order.accFillSz);
    const funds = this.funds(acc, order.side === "buy" ? m.quote : m.base);
    const amount = order.side === "buy" ? left.mul(order.px) : left;
    funds.frozen = funds.frozen.sub(amount);
    funds.free = funds.free.add(amount);
    order.state = "canceled";
    order.uTime = Date.now();
    return { clOrdId: order.clOrdId, ordId: order.ordId, ts: String(order.uTime), sCode: "0", sMsg: "" };
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
    const lastFill = [...this.accounts.values()].flatMap((a) => a.fills).filter((f) => f.ordId === o.ordId).at(-1);
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
      fillPx: lastFill ? str(lastFill.fillPx) : "",
      tradeId: lastFill?.tradeId ?? "",
      fillSz: lastFill ? str(lastFill.fillSz) : "0",
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
