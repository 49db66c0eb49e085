import type { Exchange, MarketInterface as CcxtMarket, Order as CcxtOrder } from "ccxt";
import { mapCcxtError } from "../ccxt-errors";
import type { OcoRequest } from "../types";
import { ocoLegOf } from "./oco-ids";

/**
 * OKX keeps a take-profit / stop-loss pair as one spot algo order (`ordType: oco`, one `algoClOrdId`, the
 * pair's id): it fires one side and cancels the other itself. Our two rows each see their leg of it.
 */

type AlgoInfo = {
  algoId?: string;
  state?: string;
  actualSide?: string;
  ordId?: string;
  ordIdList?: string[];
  sz?: string;
  tpOrdPx?: string;
  slOrdPx?: string;
  cTime?: string;
  uTime?: string;
};

function legOrder(info: AlgoInfo, symbol: string, clientOrderId: string, leg: "tp" | "sl", status: "open" | "canceled"): CcxtOrder {
  const price = Number(leg === "tp" ? info.tpOrdPx : info.slOrdPx);
  return {
    id: String(info.algoId),
    clientOrderId,
    symbol,
    side: "sell",
    type: "limit",
    status,
    amount: Number(info.sz),
    price: Number.isFinite(price) && price > 0 ? price : undefined,
    filled: 0,
    cost: 0,
    timestamp: Number(info.uTime ?? info.cTime ?? Date.now()),
    info,
  } as unknown as CcxtOrder;
}

/** The pair as one OCO algo through ccxt's unified `takeProfitPrice` / `stopLossPrice` (ordType oco). */
export async function placeOkxOco(ex: Exchange, _market: CcxtMarket, request: OcoRequest): Promise<CcxtOrder[]> {
  const placed = await ex.createOrder(request.symbol, "oco", "sell", Number(request.amount), undefined, {
    takeProfitPrice: request.takeProfitPrice,
    tpOrdPx: request.takeProfitPrice,
    stopLossPrice: request.stopPrice,
    slOrdPx: request.stopLimitPrice,
    algoClOrdId: request.listClientOrderId,
  });
  const info: AlgoInfo = { algoId: (placed.info as AlgoInfo | undefined)?.algoId ?? placed.id, sz: request.amount, tpOrdPx: request.takeProfitPrice, slOrdPx: request.stopLimitPrice, cTime: String(Date.now()) };
  return [legOrder(info, request.symbol, request.takeProfitClientOrderId, "tp", "open"), legOrder(info, request.symbol, request.stopClientOrderId, "sl", "open")];
}

/**
 * One leg of a pair by the leg's client order id: the algo by the pair's `algoClOrdId`; once it fired,
 * the side that fired is the plain order it placed (its fill and fee), the other side is canceled.
 * Answers undefined for an id that is no leg of a pair.
 */
export async function findOkxLeg(ex: Exchange, symbol: string, clientOrderId: string): Promise<CcxtOrder | null | undefined> {
  const leg = ocoLegOf(clientOrderId);
  if (!leg) return undefined;
  let algo: CcxtOrder;
  try {
    algo = await ex.fetchOrder(undefined as unknown as string, symbol, { trigger: true, clientOrderId: leg.list });
  } catch (error) {
    if (mapCcxtError(error).code === "order_not_found") return null;
    throw error;
  }
  const info = algo.info as AlgoInfo;
  if (info.state === "live") return legOrder(info, symbol, clientOrderId, leg.leg, "open");
  const fired = info.state === "effective" || info.state === "partially_effective";
  const child = info.ordIdList?.[0] || info.ordId;
  if (!fired || info.actualSide !== leg.leg || !child) return legOrder(info, symbol, clientOrderId, leg.leg, "canceled");
  const order = await ex.fetchOrder(child, symbol);
  return { ...order, clientOrderId };
}

export async function cancelOkxAlgo(ex: Exchange, id: string, symbol: string): Promise<void> {
  await ex.cancelOrder(id, symbol, { trigger: true });
}

/** Cancels the symbol's pending algos of a type (spot OCO pairs, SWAP conditionals), 20 a request. */
export async function cancelOkxAlgos(ex: Exchange, symbol: string, ordType: "oco" | "conditional" = "oco"): Promise<number> {
  const open = await ex.fetchOpenOrders(symbol, undefined, undefined, { ordType });
  let canceled = 0;
  for (let i = 0; i < open.length; i += 20) {
    const ids = open.slice(i, i + 20).map((o) => String(o.id));
    const answer = await ex.cancelOrders(ids, symbol, { trigger: true });
    canceled += answer.filter((o) => o.status !== "rejected").length;
  }
  return canceled;
}

/**
 * A SWAP position's take-profit or stop-loss: a one-sided conditional algo under our client order id as
 * its `algoClOrdId`. Live, it is the algo (a reduce-only market order waiting); once it fired, the plain
 * order it placed (its fill and fee); failed (nothing left to reduce) or canceled, canceled with nothing
 * filled. Answers undefined when no algo has that id (the row may be a plain order).
 */
export async function findOkxCloseTrigger(ex: Exchange, symbol: string, clientOrderId: string): Promise<CcxtOrder | undefined> {
  let algo: CcxtOrder;
  try {
    algo = await ex.fetchOrder(undefined as unknown as string, symbol, { trigger: true, clientOrderId });
  } catch (error) {
    if (mapCcxtError(error).code === "order_not_found") return undefined;
    throw error;
  }
  const info = algo.info as AlgoInfo;
  const child = info.ordIdList?.[0] || info.ordId;
  if (info.state === "effective" && child) return { ...(await ex.fetchOrder(child, symbol)), clientOrderId };
  // Effective but its order not named yet: still open to us, read again on the next pass.
  const open = info.state === "live" || info.state === "effective" || info.state === "partially_effective";
  return { ...algo, clientOrderId, type: "market", status: open ? "open" : "canceled", filled: 0, remaining: open ? algo.amount : 0, cost: 0, average: undefined, fee: undefined, fees: [] } as CcxtOrder;
}
