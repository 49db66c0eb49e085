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
export async function cancelBitgetPlan(ex: Exchange, id: string, symbol: string): Promise<void> {
  try {
    await ex.cancelOrder(id, symbol, { trigger: true });
  } catch (error) {
    if (mapCcxtError(error).code === "invalid_order" && String((error as Error).message).includes("43025")) throw new OrderNotFound(`bitget plan ${id} not found`);
    throw error;
  }
}

export async function cancelBitgetPlans(ex: Exchange, symbol: string): Promise<number> {
  const waiting = await ex.fetchOpenOrders(symbol, undefined, undefined, { trigger: true });
  if (waiting.length === 0) return 0;
  await ex.cancelAllOrders(symbol, { trigger: true });
  return waiting.length;
}
