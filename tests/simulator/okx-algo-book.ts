import Decimal from "decimal.js";

/**
 * OKX's algo orders (`/api/v5/trade/order-algo`, `cancel-algos`, `order-algo`, `orders-algo-pending`,
 * `orders-algo-history`) for the OKX simulator: a spot `oco` sell (take-profit and stop-loss triggers on
 * one size, one algo id and one `algoClOrdId`) and a one-sided `conditional`. The size is frozen while the
 * algo is live; when the last price crosses a trigger the algo becomes `effective`, the size is released
 * and a plain order is placed at that side's order price (-1: market), its id in `ordId` / `ordIdList`.
 */

export type AlgoState = "live" | "effective" | "canceled" | "order_failed";

export interface OkxSimAlgo {
  algoId: string;
  algoClOrdId: string;
  instId: string;
  side: "buy" | "sell";
  ordType: "oco" | "conditional";
  tdMode: string;
  sz: Decimal;
  tpTriggerPx: Decimal | null;
  tpOrdPx: string;
  slTriggerPx: Decimal | null;
  slOrdPx: string;
  state: AlgoState;
  actualSide: "" | "tp" | "sl";
  ordId: string;
  triggerTime: number;
  cTime: number;
  uTime: number;
}

/** A failure the simulator answers as OKX does (an entry's `sCode`, or the whole request's `code`). */
export class AlgoRefusal extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly entry = true,
  ) {
    super(message);
  }
}

export interface AlgoHost {
  market(instId: unknown): { instId: string; base: string; quote: string; tickSz: string; lotSz: string; minSz: string };
  funds(ccy: string): { free: Decimal; frozen: Decimal };
  /** Places a plain order for the account (as `POST trade/order`); answers its ordId. */
  place(p: Record<string, unknown>): string;
}

const str = (d: Decimal) => d.toFixed();

export class OkxAlgoBook {
  readonly algos: OkxSimAlgo[] = [];

  constructor(private readonly nextId: () => string) {}

  place(host: AlgoHost, p: Record<string, unknown>) {
    const m = host.market(p.instId);
    if (p.ordType !== "oco" && p.ordType !== "conditional") throw new AlgoRefusal("51000", "Parameter ordType error");
    // Spot algos in cash or (as ccxt sends them) cross mode; the simulator never lends, so both sell held coins.
    if (p.tdMode !== "cash" && p.tdMode !== "cross") throw new AlgoRefusal("51000", "Parameter tdMode error");
    if (p.side !== "sell") throw new AlgoRefusal("51000", "Parameter side error (the simulator takes protective sells only)");
    const algoClOrdId = typeof p.algoClOrdId === "string" ? p.algoClOrdId : "";
    if (algoClOrdId && !/^[A-Za-z0-9]{1,32}$/.test(algoClOrdId)) throw new AlgoRefusal("51000", "Parameter algoClOrdId error");
    if (algoClOrdId && this.algos.some((a) => a.algoClOrdId === algoClOrdId)) throw new AlgoRefusal("51065", "algoClOrdId already exists.");
    const sz = new Decimal(String(p.sz ?? "0"));
    if (!sz.mod(m.lotSz).isZero()) throw new AlgoRefusal("51121", `Order quantity must be a multiple of the lot size ${m.lotSz}.`);
    if (sz.lt(m.minSz)) throw new AlgoRefusal("51020", "Your order should meet or exceed the minimum order amount.");
    const price = (v: unknown) => {
      if (v === undefined || v === null || v === "") return null;
      const d = new Decimal(String(v));
      if (d.lte(0) || !d.mod(m.tickSz).isZero()) throw new AlgoRefusal("51000", "Parameter px error");
      return d;
    };
    const ordPx = (v: unknown) => (String(v ?? "-1") === "-1" ? "-1" : str(price(v)!));
    const tp = price(p.tpTriggerPx);
    const sl = price(p.slTriggerPx);
    if (p.ordType === "oco" && (!tp || !sl)) throw new AlgoRefusal("51000", "Parameter tpTriggerPx or slTriggerPx error");
    if (!tp && !sl) throw new AlgoRefusal("51000", "Parameter slTriggerPx error");
    const funds = host.funds(m.base);
    if (funds.free.lt(sz)) throw new AlgoRefusal("51008", `Order failed. Insufficient ${m.base} balance in account.`);
    funds.free = funds.free.sub(sz);
    funds.frozen = funds.frozen.add(sz);
    const now = Date.now();
    const algo: OkxSimAlgo = {
      algoId: this.nextId(),
      algoClOrdId,
      instId: m.instId,
      side: "sell",
      ordType: p.ordType,
      tdMode: String(p.tdMode),
      sz,
      tpTriggerPx: tp,
      tpOrdPx: tp ? ordPx(p.tpOrdPx) : "",
      slTriggerPx: sl,
      slOrdPx: sl ? ordPx(p.slOrdPx) : "",
      state: "live",
      actualSide: "",
      ordId: "",
      triggerTime: 0,
      cTime: now,
      uTime: now,
    };
    this.algos.push(algo);
    return { algoId: algo.algoId, clOrdId: "", algoClOrdId, sCode: "0", sMsg: "", tag: "" };
  }

  cancel(host: AlgoHost, p: Record<string, unknown>) {
    host.market(p.instId);
    const algo = this.algos.find((a) => a.instId === p.instId && (p.algoId ? a.algoId === p.algoId : Boolean(p.algoClOrdId) && a.algoClOrdId === p.algoClOrdId));
    if (!algo || algo.state !== "live") throw new AlgoRefusal("51400", "Order cancellation failed as the order has been filled, canceled or does not exist.");
    this.release(host, algo);
    algo.state = "canceled";
    algo.uTime = Date.now();
    return { algoId: algo.algoId, algoClOrdId: algo.algoClOrdId, sCode: "0", sMsg: "" };
  }

  find(p: Record<string, unknown>) {
    if (!p.algoId && !p.algoClOrdId) throw new AlgoRefusal("51000", "Parameter algoId error", false);
    const algo = this.algos.filter((a) => (p.algoId ? a.algoId === p.algoId : a.algoClOrdId === p.algoClOrdId)).at(-1);
    if (!algo) throw new AlgoRefusal("51603", "Order does not exist", false);
    return this.info(algo);
  }

  list(p: Record<string, unknown>, pending: boolean) {
    if (!p.ordType) throw new AlgoRefusal("50014", "Parameter ordType cannot be empty.", false);
    if (!pending && !p.state && !p.algoId) throw new AlgoRefusal("50014", "Parameter state cannot be empty.", false);
    const types = String(p.ordType).split(",");
    return this.algos
      .filter((a) => (pending ? a.state === "live" : a.state !== "live"))
      .filter((a) => types.includes(a.ordType))
      .filter((a) => !p.instId || a.instId === p.instId)
      .filter((a) => !p.algoId || a.algoId === p.algoId)
      .filter((a) => !p.state || a.state === p.state)
      .sort((a, b) => b.cTime - a.cTime)
      .slice(0, Math.min(Number(p.limit ?? 100), 100))
      .map((a) => this.info(a));
  }

  /** Fires the live algos of `instId` whose trigger the last price `p` crossed. */
  trigger(host: AlgoHost, instId: string, p: Decimal) {
    for (const algo of this.algos) {
      if (algo.instId !== instId || algo.state !== "live") continue;
      const side = algo.tpTriggerPx && p.gte(algo.tpTriggerPx) ? "tp" : algo.slTriggerPx && p.lte(algo.slTriggerPx) ? "sl" : null;
      if (!side) continue;
      this.release(host, algo);
      const px = side === "tp" ? algo.tpOrdPx : algo.slOrdPx;
      algo.actualSide = side;
      algo.triggerTime = Date.now();
      algo.uTime = algo.triggerTime;
      try {
        algo.ordId = host.place({ instId, tdMode: "cash", side: algo.side, ordType: px === "-1" ? "market" : "limit", px: px === "-1" ? undefined : px, sz: str(algo.sz), tgtCcy: "base_ccy" });
        algo.state = "effective";
      } catch {
        algo.state = "order_failed";
      }
    }
  }

  private release(host: AlgoHost, algo: OkxSimAlgo) {
    const funds = host.funds(host.market(algo.instId).base);
    funds.frozen = funds.frozen.sub(algo.sz);
    funds.free = funds.free.add(algo.sz);
  }

  private info(a: OkxSimAlgo) {
    const side = a.actualSide;
    return {
      instType: "SPOT",
      instId: a.instId,
      ccy: "",
      ordId: a.ordId,
      ordIdList: a.ordId ? [a.ordId] : [],
      algoId: a.algoId,
      clOrdId: "",
      sz: str(a.sz),
      closeFraction: "",
      ordType: a.ordType,
      side: a.side,
      posSide: "net",
      tdMode: a.tdMode,
      tgtCcy: "",
      state: a.state,
      lever: "",
      tpTriggerPx: a.tpTriggerPx ? str(a.tpTriggerPx) : "",
      tpTriggerPxType: a.tpTriggerPx ? "last" : "",
      tpOrdPx: a.tpOrdPx,
      slTriggerPx: a.slTriggerPx ? str(a.slTriggerPx) : "",
      slTriggerPxType: a.slTriggerPx ? "last" : "",
      slOrdPx: a.slOrdPx,
      triggerPx: "",
      triggerPxType: "",
      ordPx: "",
      actualSz: side ? str(a.sz) : "",
      actualPx: side === "tp" ? a.tpOrdPx : side === "sl" ? a.slOrdPx : "",
      actualSide: side,
      triggerTime: a.triggerTime ? String(a.triggerTime) : "",
      pxVar: "",
      pxSpread: "",
      szLimit: "",
      pxLimit: "",
      tag: "",
      timeInterval: "",
      callbackRatio: "",
      callbackSpread: "",
      activePx: "",
      moveTriggerPx: "",
      reduceOnly: "false",
      quickMgnType: "",
      last: "",
      failCode: a.state === "order_failed" ? "51008" : "",
      algoClOrdId: a.algoClOrdId,
      amendPxOnTriggerType: "0",
      cTime: String(a.cTime),
      uTime: String(a.uTime),
    };
  }
}
