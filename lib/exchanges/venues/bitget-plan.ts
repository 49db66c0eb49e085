import type { Exchange, Order as CcxtOrder } from "ccxt";
import { OrderNotFound } from "ccxt";
import { mapCcxtError } from "../ccxt-errors";
import type { OcoRequest } from "../types";
import { placeTriggerPair } from "./trigger-pair";

/**
 * Bitget spot keeps each leg of a take-profit / stop-loss pair as a plan order (ccxt's `triggerPrice` on
 * spot: `/api/v2/spot/trade/place-plan-order`, a limit at `executePrice` once the last price crosses
 * `triggerPrice`), under the leg's client order id (`clientOid`).
 */

type PlanInfo = { orderId?: string; clientOid?: string; status?: string };

/** `/api/v2/spot/trade/plan-sub-order`: the order a fired plan placed (ccxt lists no method for it). */
async function planSubOrder(ex: Exchange, planOrderId: string): Promise<string | null> {
  const request = (ex as unknown as { request: (path: string, api: string[], method: string, params: Record<string, string>) => Promise<{ data?: { orderId?: string }[] }> }).request;
  const answer = await request.call(ex, "v2/spot/trade/plan-sub-order", ["private", "spot"], "GET", { planOrderId });
  return answer.data?.[0]?.orderId ?? null;
}

/** A plan by our client order id: waiting, or finished (a fired one answers the order it placed). */
export async function findBitgetPlan(ex: Exchange, symbol: string, clientOid: string): Promise<CcxtOrder | null> {
  const waiting = await ex.fetchOpenOrders(symbol, undefined, undefined, { trigger: true });
  const open = waiting.find((o) => o.clientOrderId === clientOid);
  if (open) return open;
  const finished = await ex.fetchCanceledAndClosedOrders(symbol, undefined, undefined, { trigger: true });
  const plan = finished.find((o) => o.clientOrderId === clientOid);
  if (!plan) return null;
  const info = plan.info as PlanInfo;
  if (info.status !== "executed") return { ...plan, status: "canceled", filled: 0 };
  const child = await planSubOrder(ex, String(plan.id));
  if (!child) return { ...plan, status: "open", filled: 0 };
  return { ...(await ex.fetchOrder(child, symbol)), clientOrderId: clientOid };
}

export function placeBitgetPair(ex: Exchange, request: OcoRequest): Promise<CcxtOrder[]> {
  return placeTriggerPair(request, {
    place: (leg) =>
      ex.createOrder(request.symbol, "limit", "sell", Number(request.amount), Number(leg.price), { triggerPrice: Number(leg.triggerPrice), triggerType: "fill_price", clientOrderId: leg.clientOrderId }),
    find: (clientOrderId) => findBitgetPlan(ex, request.symbol, clientOrderId),
    cancel: (id) => cancelBitgetPlan(ex, id, request.symbol),
  });
}

/** Bitget answers a plan it does not have (any more) with 43025, which ccxt maps to InvalidOrder. */
async function cancelPlan(ex: Exchange, id: string, symbol: string): Promise<CcxtOrder> {
  try {
    return await ex.cancelOrder(id, symbol, { trigger: true });
  } catch (error) {
    if (mapCcxtError(error).code === "invalid_order" && String((error as Error).message).includes("43025")) throw new OrderNotFound(`bitget plan ${id} not found`);
    throw error;
  }
}

export async function cancelBitgetPlan(ex: Exchange, id: string, symbol: string): Promise<void> {
  await cancelPlan(ex, id, symbol);
}

/**
 * USDT perpetuals: `cancel-plan-order` answers success with the plan it could not cancel (fired, already
 * canceled, unknown) in its `failureList`, which ccxt answers as an order without an id: not found, so the
 * caller reads the plan's real state (a fired one's fill) by its client order id.
 */
export async function cancelBitgetMixPlan(ex: Exchange, id: string, symbol: string): Promise<void> {
  const canceled = await cancelPlan(ex, id, symbol);
  if (!canceled.id) throw new OrderNotFound(`bitget plan ${id} not found`);
}

/**
 * A USDT-perpetual plan (a position's take-profit or stop-loss, `normal_plan`) by our client order id,
 * which `orders-plan-pending` and `orders-plan-history` filter on. A fired plan answers the order it
 * placed (`executeOrderId`, a plain order under an id and client id of Bitget's) under our client order
 * id, with that order's fill and fee; one that never placed its order answers canceled, with no fill.
 */
export async function findBitgetMixPlan(ex: Exchange, symbol: string, clientOid: string): Promise<CcxtOrder | null> {
  const mine = { trigger: true, clientOrderId: clientOid };
  const waiting = await ex.fetchOpenOrders(symbol, undefined, undefined, mine);
  const open = waiting.find((o) => o.clientOrderId === clientOid);
  if (open) return open;
  const finished = await ex.fetchCanceledAndClosedOrders(symbol, undefined, undefined, mine);
  const plan = finished.find((o) => o.clientOrderId === clientOid);
  if (!plan) return null;
  const info = plan.info as { planStatus?: string; executeOrderId?: string };
  if (info.planStatus !== "executed") return { ...plan, status: "canceled", filled: 0 };
  if (!info.executeOrderId) return { ...plan, status: "open", filled: 0 };
  return { ...(await ex.fetchOrder(info.executeOrderId, symbol)), clientOrderId: clientOid };
}

export async function cancelBitgetPlans(ex: Exchange, symbol: string): Promise<number> {
  const waiting = await ex.fetchOpenOrders(symbol, undefined, undefined, { trigger: true });
  if (waiting.length === 0) return 0;
  await ex.cancelAllOrders(symbol, { trigger: true });
  return waiting.length;
}
