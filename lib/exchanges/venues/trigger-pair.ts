import type { Order as CcxtOrder } from "ccxt";
import { NetworkError } from "ccxt";
import { mapCcxtError } from "../ccxt-errors";
import type { OcoRequest } from "../types";

export interface TriggerLegApi {
  /** Places one conditional sell: it waits on the venue, reserving nothing, until `triggerPrice` is crossed. */
  place(leg: { clientOrderId: string; triggerPrice: string; price: string }): Promise<CcxtOrder>;
  find(clientOrderId: string): Promise<CcxtOrder | null>;
  cancel(id: string): Promise<void>;
}

const UNKNOWN = ["network", "exchange_down", "unknown"];

/**
 * A take-profit / stop-loss pair as two conditional sells, where the venue has no OCO for spot (Bybit,
 * Bitget): the take-profit fires on the way up, the stop-loss on the way down. Neither reserves the coins,
 * so the venue does not cancel one when the other fires: the order monitor does (the position is then
 * gone, and protection cancels what still rests, again on each pass until it is confirmed). A leg whose
 * answer is lost is looked up by its client order id before the next is sent; a second leg refused takes
 * the first off again, so no leg waits alone under rows that say refused.
 */
export async function placeTriggerPair(request: OcoRequest, api: TriggerLegApi): Promise<CcxtOrder[]> {
  const legs = [
    { clientOrderId: request.takeProfitClientOrderId, triggerPrice: request.takeProfitPrice, price: request.takeProfitPrice },
    { clientOrderId: request.stopClientOrderId, triggerPrice: request.stopPrice, price: request.stopLimitPrice },
  ];
  const placed: CcxtOrder[] = [];
  for (const leg of legs) {
    try {
      placed.push(await placeOrFind(leg, api));
    } catch (error) {
      if (placed[0] && !UNKNOWN.includes(mapCcxtError(error).code)) {
        // Not taken off: the pair's fate is "unknown" to the lifecycle, which looks both legs up.
        await api.cancel(String(placed[0].id)).catch(() => {
          throw new NetworkError(`take-profit ${placed[0]!.id} rests alone: its stop-loss was refused and its cancel failed`);
        });
      }
      throw error;
    }
  }
  return placed.map((order, i) => ({
    ...order,
    clientOrderId: legs[i]!.clientOrderId,
    symbol: order.symbol ?? request.symbol,
    side: "sell",
    type: "limit",
    status: order.status ?? "open",
    amount: order.amount ?? Number(request.amount),
    price: order.price ?? Number(legs[i]!.price),
    filled: order.filled ?? 0,
  }));
}

async function placeOrFind(leg: { clientOrderId: string; triggerPrice: string; price: string }, api: TriggerLegApi): Promise<CcxtOrder> {
  try {
    return await api.place(leg);
  } catch (error) {
    if (!UNKNOWN.includes(mapCcxtError(error).code)) throw error;
    const found = await api.find(leg.clientOrderId).catch(() => null);
    if (found) return found;
    throw error;
  }
}
