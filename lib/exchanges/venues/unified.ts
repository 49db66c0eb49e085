import type { Exchange, Order as CcxtOrder } from "ccxt";

/** ccxt's unified look-up by client order id. */
export function fetchByClientId(ex: Exchange, symbol: string, clientOrderId: string): Promise<CcxtOrder> {
  return ex.fetchOrder(undefined as unknown as string, symbol, { clientOrderId });
}

/** ccxt's unified cancel-all: the canceled orders where the venue lists them, else the open ones sent. */
export async function cancelAllUnified(ex: Exchange, symbol: string, open: CcxtOrder[]): Promise<number> {
  const result = await ex.cancelAllOrders(symbol);
  return Array.isArray(result) ? result.length : open.length;
}
