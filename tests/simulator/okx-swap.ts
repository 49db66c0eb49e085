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
  return new PerpDesk(
    OKX_SWAPS.map((m) => ({ id: m.instId, base: m.base, contractSize: m.ctVal, lotSize: m.lotSz, minSize: m.minSz, tickSize: m.tickSz, price: OKX_SWAP_PRICES[m.instId]! })),
    newId,
  );
}

const OKX_SWAP_PRICES: Record<string, string> = { "BTC-USDT-SWAP": "60000", "ETH-USDT-SWAP": "3000", "DOGE-USDT-SWAP": "0.1" };
const TRADE = ["POST trade/order", "POST trade/batch-orders", "POST trade/cancel-order"];

function swapOrderInfo(desk: PerpDesk, o: PerpOrder) {
  const avg = o.filled.gt(0) ? o.value.div(o.filled.mul(desk.market(o.market).contractSize)) : null;
  return {
    instType: "SWAP",
    instId: o.market,
    tgtCcy: "",
    ccy: "",
    ordId: o.id,
    clOrdId: o.clientId,
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
    algoClOrdId: "",
    algoId: "",
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
      case "POST trade/cancel-order": {
        const o = desk.cancel(apiKey, desk.market(p.instId).id, { id: p.ordId as string | undefined, clientId: p.clOrdId as string | undefined });
        return { data: [{ clOrdId: o.clientId, ordId: o.id, ts: String(o.updatedAt), sCode: "0", sMsg: "" }] };
      }
      case "GET trade/order": {
        const o = desk.find(apiKey, desk.market(p.instId).id, { id: p.ordId as string | undefined, clientId: p.clOrdId as string | undefined });
        if (!o) throw new OkxSwapRefusal("51603", "Order does not exist", false);
        return { data: [swapOrderInfo(desk, o)] };
      }
      case "GET trade/orders-pending":
      case "GET trade/orders-history":
        return {
          data: desk
            .orders(apiKey, { market: p.instId as string | undefined, open: key.endsWith("pending") })
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
            .map((f) => ({ instType: "SWAP", instId: f.market, tradeId: f.id, ordId: f.orderId, clOrdId: f.clientId, billId: f.id, tag: "", fillPx: s(f.price), fillSz: s(f.qty), fillPnl: s(f.pnl), side: f.side, posSide: "net", execType: f.maker ? "M" : "T", feeCcy: "USDT", fee: s(f.fee.neg()), ts: String(f.time), fillTime: String(f.time) })),
        };
    }
    return null;
  } catch (error) {
    if (!(error instanceof PerpRefusal)) throw error;
    const [code, msg] = OKX_CODES[error.kind];
    throw new OkxSwapRefusal(code, msg, TRADE.includes(key));
  }
}

/** The SWAP account's USDT as the trading account's balance lists it (margin counted as frozen). */
export function okxSwapBalance(desk: PerpDesk, apiKey: string) {
  const acc = desk.account(apiKey);
  const free = desk.available(apiKey);
  return { ccy: "USDT", eq: s(acc.wallet), cashBal: s(acc.wallet), availBal: s(free), availEq: s(free), frozenBal: s(acc.wallet.sub(free)), ordFrozen: "0", upl: "0" };
}
