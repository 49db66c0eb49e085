import Decimal from "decimal.js";
import { PerpDesk, PerpRefusal, type PerpOrder, type PerpRefusalKind } from "./perp-desk";

/**
 * OKX USDT-margined perpetual (SWAP) instruments for the OKX simulator, as `GET /api/v5/public/instruments
 * ?instType=SWAP` lists them: a contract is `ctVal` of the base coin (DOGE-USDT-SWAP 1,000 DOGE,
 * BTC-USDT-SWAP 0.01 BTC), and sizes (`lotSz`, `minSz`) are in contracts.
 */
export interface OkxSwapInstrument {
  instId: string;
  base: string;
  ctVal: string;
  tickSz: string;
  lotSz: string;
  minSz: string;
}

export const OKX_SWAPS: OkxSwapInstrument[] = [
  { instId: "BTC-USDT-SWAP", base: "BTC", ctVal: "0.01", tickSz: "0.1", lotSz: "0.01", minSz: "0.01" },
  { instId: "ETH-USDT-SWAP", base: "ETH", ctVal: "0.1", tickSz: "0.01", lotSz: "0.01", minSz: "0.01" },
  { instId: "DOGE-USDT-SWAP", base: "DOGE", ctVal: "1000", tickSz: "0.00001", lotSz: "1", minSz: "1" },
];

export function okxSwapInstruments() {
  return OKX_SWAPS.map((m) => ({
    instType: "SWAP",
    instId: m.instId,
    uly: `${m.base}-USDT`,
    instFamily: `${m.base}-USDT`,
    category: "1",
    baseCcy: "",
    quoteCcy: "",
    settleCcy: "USDT",
    ctVal: m.ctVal,
    ctMult: "1",
    ctValCcy: m.base,
    optType: "",
    stk: "",
    listTime: "1606468572000",
    expTime: "",
    lever: "100",
    tickSz: m.tickSz,
    lotSz: m.lotSz,
    minSz: m.minSz,
    ctType: "linear",
    alias: "",
    state: "live",
    ruleType: "normal",
    maxLmtSz: "100000",
    maxMktSz: "20000",
    maxLmtAmt: "20000000",
    maxMktAmt: "",
    maxTwapSz: "100000",
    maxIcebergSz: "100000",
    maxTriggerSz: "100000",
    maxStopSz: "20000",
  }));
}

// ---------------------------------------------------------------------------------------------
// SWAP trading on the shared perpetual desk: net (one-way) positions, `tdMode` cross/isolated on each
// order, leverage by `/account/set-leverage`, positions, funding bills (`type` 8).

const s = (d: Decimal) => d.toFixed();

/** OKX's answer codes for the desk's refusals (entry codes on trade requests). */
const OKX_CODES: Record<PerpRefusalKind, [string, string]> = {
  unknown_market: ["51001", "Instrument ID does not exist."],
  duplicate_client_id: ["51016", "Duplicated clOrdId"],
  reduce_only: ["51169", "Order failed because you don't have any positions in this direction for this contract to reduce or close."],
  insufficient: ["51008", "Order failed. Insufficient USDT margin in account"],
  not_found: ["51603", "Order does not exist"],
  finished: ["51400", "Order cancellation failed as the order has been filled, canceled or does not exist."],
  bad_size: ["51121", "Order quantity must be a multiple of the lot size."],
  bad_price: ["51000", "Parameter px error"],
  bad_leverage: ["59102", "Leverage exceeds the maximum leverage. Please adjust the leverage."],
  position_open: ["59000", "Your settings failed as you have positions or open orders."],
};

export class OkxSwapRefusal extends Error {
  constructor(
    public readonly code: string,
    message: string,
    /** A trade request's entry failure (code "1" with `sCode`), not the request's. */
    public readonly entry: boolean,
  ) {
    super(message);
  }
}

export function okxSwapDesk(newId: () => string) {
  const desk = new PerpDesk(
    OKX_SWAPS.map((m) => ({ id: m.instId, base: m.base, contractSize: m.ctVal, lotSize: m.lotSz, minSize: m.minSz, tickSize: m.tickSz, price: OKX_SWAP_PRICES[m.instId]! })),
    newId,
  );
  ALGO_ID_SOURCE.set(desk, newId);
  return desk;
}

// ---------------------------------------------------------------------------------------------
// SWAP conditional algo orders (`ordType: conditional`, one side: `tpTriggerPx` or `slTriggerPx`, order
// price -1: market) as the desk's conditional orders. OKX numbers an algo apart from the plain order it
// places when it fires: the algo has its `algoId` and `algoClOrdId` (the desk order's client id); once
// fired it is `effective` and the desk order is that plain order (`ordId`, its fill and fee), carrying the
// algo's ids and no `clOrdId` of its own. Fired with nothing left to reduce: `order_failed`, no order.

interface AlgoMeta {
  algoId: string;
  kind: "tp" | "sl";
  tdMode: string;
}

const ALGO_ID_SOURCE = new WeakMap<PerpDesk, () => string>();
const ALGOS = new WeakMap<PerpOrder, AlgoMeta>();

/** A plain order as OKX lists it: not an algo still waiting, nor one that fired into nothing. */
const isPlain = (o: PerpOrder) => !o.trigger || (o.trigger.fired && o.status !== "canceled");

function algoState(o: PerpOrder) {
  if (!o.trigger!.fired) return o.status === "open" ? "live" : "canceled";
  return o.status === "canceled" ? "order_failed" : "effective";
}

function algosOf(desk: PerpDesk, apiKey: string, instId: unknown) {
  return desk.account(apiKey).orders.filter((o) => ALGOS.has(o) && (!instId || o.market === instId));
}

function algoInfo(desk: PerpDesk, o: PerpOrder) {
  const meta = ALGOS.get(o)!;
  const state = algoState(o);
  const effective = state === "effective";
  const trigger = s(o.trigger!.price);
  return {
    instType: "SWAP",
    instId: o.market,
    ccy: "",
    ordId: effective ? o.id : "",
    ordIdList: effective ? [o.id] : [],
    algoId: meta.algoId,
    clOrdId: "",
    sz: s(o.qty),
    closeFraction: "",
    ordType: "conditional",
    side: o.side,
    posSide: "net",
    tdMode: meta.tdMode,
    tgtCcy: "",
    state,
    lever: String(o.leverage),
    tpTriggerPx: meta.kind === "tp" ? trigger : "",
    tpTriggerPxType: meta.kind === "tp" ? "last" : "",
    tpOrdPx: meta.kind === "tp" ? "-1" : "",
    slTriggerPx: meta.kind === "sl" ? trigger : "",
    slTriggerPxType: meta.kind === "sl" ? "last" : "",
    slOrdPx: meta.kind === "sl" ? "-1" : "",
    triggerPx: "",
    triggerPxType: "",
    ordPx: "",
    actualSz: effective ? s(o.filled) : "",
    actualPx: o.trigger!.fired ? "-1" : "",
    actualSide: o.trigger!.fired ? meta.kind : "",
    triggerTime: o.trigger!.fired ? String(o.updatedAt) : "",
    tag: "",
    reduceOnly: String(o.reduceOnly),
    quickMgnType: "",
    last: s(desk.prices.get(o.market)!),
    failCode: state === "order_failed" ? OKX_CODES.reduce_only[0] : "",
    algoClOrdId: o.clientId,
    amendPxOnTriggerType: "0",
    cTime: String(o.createdAt),
    uTime: String(o.updatedAt),
  };
}

/** `POST trade/order-algo` for SWAP: a one-sided conditional market order, reduce-only where asked. */
function placeAlgo(desk: PerpDesk, apiKey: string, p: Record<string, unknown>) {
  const tdMode = p.tdMode === "isolated" || p.tdMode === "cross" ? p.tdMode : null;
  if (!tdMode) throw new OkxSwapRefusal("51000", "Parameter tdMode error", true);
  if (p.posSide !== undefined && p.posSide !== "net") throw new OkxSwapRefusal("51000", "Parameter posSide error", true);
  if (p.ordType !== "conditional") throw new OkxSwapRefusal("51000", "Parameter ordType error (the simulator takes SWAP conditional orders only)", true);
  if (p.side !== "buy" && p.side !== "sell") throw new OkxSwapRefusal("51000", "Parameter side error", true);
  const algoClOrdId = typeof p.algoClOrdId === "string" ? p.algoClOrdId : "";
  if (algoClOrdId && !/^[A-Za-z0-9]{1,32}$/.test(algoClOrdId)) throw new OkxSwapRefusal("51000", "Parameter algoClOrdId error", true);
  if (algoClOrdId && algosOf(desk, apiKey, undefined).some((o) => o.clientId === algoClOrdId)) throw new OkxSwapRefusal("51065", "algoClOrdId already exists.", true);
  const tp = p.tpTriggerPx !== undefined && p.tpTriggerPx !== "";
  const sl = p.slTriggerPx !== undefined && p.slTriggerPx !== "";
  if (tp === sl) throw new OkxSwapRefusal("51000", "Parameter tpTriggerPx or slTriggerPx error (one side only)", true);
  if (String((tp ? p.tpOrdPx : p.slOrdPx) ?? "") !== "-1") throw new OkxSwapRefusal("51000", "Parameter ordPx error (the simulator takes market conditional orders only)", true);
  const kind = tp ? "tp" : "sl";
  // A sell takes profit as the price rises and stops as it falls; a buy (closing a short) the other way.
  const direction = (kind === "tp") === (p.side === "sell") ? "rise" : "fall";
  const order = desk.place(apiKey, {
    market: desk.market(p.instId).id,
    side: p.side,
    type: "market",
    qty: String(p.sz ?? "0"),
    clientId: algoClOrdId,
    reduceOnly: p.reduceOnly === true || p.reduceOnly === "true",
    marginMode: tdMode,
    trigger: { price: String(tp ? p.tpTriggerPx : p.slTriggerPx), direction },
  });
  const algoId = ALGO_ID_SOURCE.get(desk)!();
  ALGOS.set(order, { algoId, kind, tdMode });
  return { algoId, clOrdId: "", algoClOrdId, sCode: "0", sMsg: "", tag: "" };
}

/** `POST trade/cancel-algos`: each entry on its own, like OKX's batch answers. */
function cancelAlgos(desk: PerpDesk, apiKey: string, entries: Record<string, unknown>[]): { data: unknown[]; partial?: boolean } {
  const [code, msg] = OKX_CODES.finished;
  const data = entries.map((e) => {
    const o = algosOf(desk, apiKey, e.instId).find((a) => (e.algoId ? ALGOS.get(a)!.algoId === e.algoId : Boolean(e.algoClOrdId) && a.clientId === e.algoClOrdId));
    if (!o || algoState(o) !== "live") return { algoId: String(e.algoId ?? ""), algoClOrdId: String(e.algoClOrdId ?? ""), sCode: code, sMsg: msg };
    desk.cancel(apiKey, o.market, { id: o.id });
    return { algoId: ALGOS.get(o)!.algoId, algoClOrdId: o.clientId, sCode: "0", sMsg: "" };
  });
  const failed = data.filter((d) => d.sCode !== "0").length;
  if (failed === data.length) throw new OkxSwapRefusal(code, msg, true);
  return { data, partial: failed > 0 };
}

/** `GET orders-algo-pending` (live) and `orders-algo-history` (by `state`, or one `algoId`). */
function listAlgos(desk: PerpDesk, apiKey: string, p: Record<string, unknown>, pending: boolean) {
  if (!p.ordType) throw new OkxSwapRefusal("50014", "Parameter ordType cannot be empty.", false);
  if (!pending && !p.state && !p.algoId) throw new OkxSwapRefusal("50014", "Parameter state cannot be empty.", false);
  if (!String(p.ordType).split(",").includes("conditional")) return [];
  return algosOf(desk, apiKey, p.instId)
    .filter((o) => (algoState(o) === "live") === pending)
    .filter((o) => !p.state || algoState(o) === p.state)
    .filter((o) => !p.algoId || ALGOS.get(o)!.algoId === p.algoId)
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, Math.min(Number(p.limit ?? 100), 100))
    .map((o) => algoInfo(desk, o));
}

const OKX_SWAP_PRICES: Record<string, string> = { "BTC-USDT-SWAP": "60000", "ETH-USDT-SWAP": "3000", "DOGE-USDT-SWAP": "0.1" };
const TRADE = ["POST trade/order", "POST trade/batch-orders", "POST trade/cancel-order", "POST trade/order-algo", "POST trade/cancel-algos"];

function swapOrderInfo(desk: PerpDesk, o: PerpOrder) {
  const avg = o.filled.gt(0) ? o.value.div(o.filled.mul(desk.market(o.market).contractSize)) : null;
  return {
    instType: "SWAP",
    instId: o.market,
    tgtCcy: "",
    ccy: "",
    ordId: o.id,
    // The order an algo placed when it fired has no client id of its own: it carries the algo's.
    clOrdId: ALGOS.has(o) ? "" : o.clientId,
    tag: "",
    px: o.type === "limit" ? s(o.price) : "",
    sz: s(o.qty),
    pnl: s(o.pnl),
    ordType: o.type,
    side: o.side,
    posSide: "net",
    tdMode: o.marginMode,
    accFillSz: s(o.filled),
    fillPx: avg ? s(avg) : "",
    fillSz: s(o.filled),
    fillTime: o.filled.gt(0) ? String(o.updatedAt) : "",
    avgPx: avg ? s(avg) : "",
    state: o.status === "open" ? "live" : o.status,
    lever: String(o.leverage),
    attachAlgoOrds: [],
    feeCcy: "USDT",
    fee: s(o.fee.neg()),
    rebateCcy: "USDT",
    rebate: "0",
    source: "",
    category: "normal",
    reduceOnly: String(o.reduceOnly),
    cancelSource: o.status === "canceled" ? "1" : "",
    algoClOrdId: ALGOS.has(o) ? o.clientId : "",
    algoId: ALGOS.get(o)?.algoId ?? "",
    uTime: String(o.updatedAt),
    cTime: String(o.createdAt),
  };
}

function positionInfo(desk: PerpDesk, apiKey: string, id: string) {
  const p = desk.position(apiKey, id);
  const settings = desk.settings(apiKey, id);
  const last = desk.prices.get(id)!;
  return {
    instType: "SWAP",
    instId: id,
    mgnMode: settings.marginMode,
    posId: `${id}-${apiKey}`,
    posSide: "net",
    pos: s(p.contracts),
    availPos: s(p.contracts.abs()),
    avgPx: s(p.entryPrice),
    upl: s(desk.unrealized(apiKey, id)),
    lever: String(settings.leverage),
    liqPx: "",
    markPx: s(last),
    last: s(last),
    imr: "",
    margin: "",
    mgnRatio: "",
    mmr: "",
    notionalUsd: s(p.contracts.abs().mul(desk.market(id).contractSize).mul(last)),
    ccy: "USDT",
    posCcy: "",
    cTime: String(p.createdAt),
    uTime: String(p.updatedAt),
  };
}

/** The SWAP part of a request, or null when the request is not about SWAP. */
export function okxSwapRoute(desk: PerpDesk, key: string, params: unknown, apiKey: string | undefined): { data: unknown[] } | null {
  // ccxt places an order through batch-orders (a list of one); each SWAP entry as a single order.
  if (key === "POST trade/batch-orders" && Array.isArray(params) && params.length > 0 && params.every((e: Record<string, unknown>) => String(e.instId).endsWith("-SWAP"))) {
    return { data: params.flatMap((e: Record<string, unknown>) => okxSwapRoute(desk, "POST trade/order", e, apiKey)!.data) };
  }
  const p = (Array.isArray(params) ? {} : params) as Record<string, unknown>;
  const swapId = typeof p.instId === "string" && p.instId.endsWith("-SWAP");
  const swapType = p.instType === "SWAP";
  try {
    if (key === "POST trade/cancel-algos" && apiKey && Array.isArray(params) && params.length > 0 && params.every((e: Record<string, unknown>) => String(e.instId).endsWith("-SWAP"))) {
      return cancelAlgos(desk, apiKey, params as Record<string, unknown>[]);
    }
    // OKX reads one algo by its ids alone (`instId` optional): a SWAP one wherever the desk has it.
    if (key === "GET trade/order-algo" && apiKey && (p.algoId || p.algoClOrdId)) {
      const o = algosOf(desk, apiKey, swapId ? p.instId : undefined)
        .filter((a) => (p.algoId ? ALGOS.get(a)!.algoId === p.algoId : a.clientId === p.algoClOrdId))
        .at(-1);
      if (o) return { data: [algoInfo(desk, o)] };
      if (swapId) throw new OkxSwapRefusal("51603", "Order does not exist", false);
    }
    if (key === "GET market/ticker" && swapId) {
      const last = s(desk.prices.get(desk.market(p.instId).id)!);
      return { data: [{ instType: "SWAP", instId: p.instId, last, lastSz: "1", askPx: last, askSz: "1", bidPx: last, bidSz: "1", open24h: last, high24h: last, low24h: last, volCcy24h: "0", vol24h: "0", ts: String(Date.now()), sodUtc0: last, sodUtc8: last }] };
    }
    if (!apiKey) return null;
    switch (key) {
      case "POST account/set-leverage": {
        const mode = p.mgnMode === "isolated" || p.mgnMode === "cross" ? p.mgnMode : null;
        if (!mode) throw new OkxSwapRefusal("51000", "Parameter mgnMode error", false);
        desk.setLeverage(apiKey, desk.market(p.instId).id, Number(p.lever), mode);
        return { data: [{ instId: p.instId, lever: String(p.lever), mgnMode: mode, posSide: p.posSide ?? "net" }] };
      }
      case "GET account/positions":
        if (p.instType && !swapType) return { data: [] };
        return {
          data: [...desk.account(apiKey).positions.keys()]
            .filter((id) => !p.instId || String(p.instId).split(",").includes(id))
            .filter((id) => !desk.position(apiKey, id).contracts.isZero())
            .map((id) => positionInfo(desk, apiKey, id)),
        };
      case "GET account/bills":
      case "GET account/bills-archive":
        if (p.type !== undefined && p.type !== "8") return { data: [] };
        return {
          data: desk
            .account(apiKey)
            .bills.filter((b) => !p.instId || b.market === p.instId)
            .sort((a, b) => b.time - a.time)
            .slice(0, Math.min(Number(p.limit ?? 100), 100))
            .map((b) => ({ billId: b.id, instId: b.market, instType: "SWAP", ccy: "USDT", type: "8", subType: b.amount.gte(0) ? "174" : "173", balChg: s(b.amount), bal: s(desk.account(apiKey).wallet), posBalChg: "0", posBal: "0", sz: "0", pnl: s(b.amount), fee: "0", mgnMode: "", ordId: "", execType: "", from: "", to: "", notes: "", ts: String(b.time) })),
        };
    }
    if (!swapId && !swapType) return null;
    switch (key) {
      case "POST trade/order": {
        const tdMode = p.tdMode === "isolated" || p.tdMode === "cross" ? p.tdMode : null;
        if (!tdMode) throw new OkxSwapRefusal("51000", "Parameter tdMode error", true);
        if (p.posSide !== undefined && p.posSide !== "net") throw new OkxSwapRefusal("51000", "Parameter posSide error", true);
        const clOrdId = typeof p.clOrdId === "string" ? p.clOrdId : "";
        if (clOrdId && !/^[A-Za-z0-9]{1,32}$/.test(clOrdId)) throw new OkxSwapRefusal("51000", "Parameter clOrdId error", true);
        if ((p.side !== "buy" && p.side !== "sell") || (p.ordType !== "market" && p.ordType !== "limit")) throw new OkxSwapRefusal("51000", "Parameter side or ordType error", true);
        const order = desk.place(apiKey, {
          market: desk.market(p.instId).id,
          side: p.side,
          type: p.ordType,
          qty: String(p.sz ?? "0"),
          price: p.px === undefined ? undefined : String(p.px),
          clientId: clOrdId,
          reduceOnly: p.reduceOnly === true || p.reduceOnly === "true",
          marginMode: tdMode,
        });
        return { data: [{ clOrdId, ordId: order.id, tag: "", ts: String(order.createdAt), sCode: "0", sMsg: "Order placed" }] };
      }
      case "POST trade/order-algo":
        return { data: [placeAlgo(desk, apiKey, p)] };
      case "GET trade/orders-algo-pending":
      case "GET trade/orders-algo-history":
        return { data: listAlgos(desk, apiKey, p, key.endsWith("pending")) };
      case "POST trade/cancel-order": {
        // Plain orders only: an algo is canceled by cancel-algos, under its own ids.
        const market = desk.market(p.instId).id;
        const found = plainOrder(desk, apiKey, market, p);
        if (!found) throw new PerpRefusal("not_found", "Order does not exist");
        const o = desk.cancel(apiKey, market, { id: found.id });
        return { data: [{ clOrdId: o.clientId, ordId: o.id, ts: String(o.updatedAt), sCode: "0", sMsg: "" }] };
      }
      case "GET trade/order": {
        const o = plainOrder(desk, apiKey, desk.market(p.instId).id, p);
        if (!o) throw new OkxSwapRefusal("51603", "Order does not exist", false);
        return { data: [swapOrderInfo(desk, o)] };
      }
      case "GET trade/orders-pending":
      case "GET trade/orders-history":
        return {
          data: desk
            .orders(apiKey, { market: p.instId as string | undefined, open: key.endsWith("pending") })
            .filter(isPlain)
            .filter((o) => !p.state || (o.status === "open" ? "live" : o.status) === p.state)
            .slice(0, Math.min(Number(p.limit ?? 100), 100))
            .map((o) => swapOrderInfo(desk, o)),
        };
      case "GET trade/fills":
      case "GET trade/fills-history":
        return {
          data: desk
            .account(apiKey)
            .fills.filter((f) => (!p.instId || f.market === p.instId) && (!p.ordId || f.orderId === p.ordId))
            .sort((a, b) => b.time - a.time)
            .map((f) => ({ instType: "SWAP", instId: f.market, tradeId: f.id, ordId: f.orderId, clOrdId: algoBorn(desk, apiKey, f.orderId) ? "" : f.clientId, billId: f.id, tag: "", fillPx: s(f.price), fillSz: s(f.qty), fillPnl: s(f.pnl), side: f.side, posSide: "net", execType: f.maker ? "M" : "T", feeCcy: "USDT", fee: s(f.fee.neg()), ts: String(f.time), fillTime: String(f.time) })),
        };
    }
    return null;
  } catch (error) {
    if (!(error instanceof PerpRefusal)) throw error;
    const [code, msg] = OKX_CODES[error.kind];
    throw new OkxSwapRefusal(code, msg, TRADE.includes(key));
  }
}

/** A plain order by `ordId` or `clOrdId` (an algo's `algoClOrdId` is no `clOrdId`). */
function plainOrder(desk: PerpDesk, apiKey: string, market: string, p: Record<string, unknown>) {
  const o = desk.find(apiKey, market, { id: p.ordId as string | undefined, clientId: p.clOrdId as string | undefined });
  return o && isPlain(o) && !(ALGOS.has(o) && !p.ordId) ? o : undefined;
}

const algoBorn = (desk: PerpDesk, apiKey: string, orderId: string) => desk.account(apiKey).orders.some((o) => o.id === orderId && ALGOS.has(o));

/** The SWAP account's USDT as the trading account's balance lists it (margin counted as frozen). */
export function okxSwapBalance(desk: PerpDesk, apiKey: string) {
  const acc = desk.account(apiKey);
  const free = desk.available(apiKey);
  return { ccy: "USDT", eq: s(acc.wallet), cashBal: s(acc.wallet), availBal: s(free), availEq: s(free), frozenBal: s(acc.wallet.sub(free)), ordFrozen: "0", upl: "0" };
}
