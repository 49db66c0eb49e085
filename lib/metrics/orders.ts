import "server-only";
import { ExchangeError, type ExchangeClient } from "@/lib/exchanges/types";
import { log } from "@/lib/logger";
import { metrics } from "./registry";

/** The client with every order it creates counted by venue and outcome (placed, or the error's code). */
export function withOrderMetrics(client: ExchangeClient, venue: string): ExchangeClient {
  return {
    ...client,
    async createOrder(request) {
      try {
        const order = await client.createOrder(request);
        metrics().orders.inc({ venue, outcome: "placed" });
        log({ venue, symbol: request.symbol, clientOrderId: request.clientOrderId }).info({ side: request.side, type: request.type, orderId: order.id }, "order placed");
        return order;
      } catch (error) {
        const outcome = error instanceof ExchangeError ? error.code : "error";
        metrics().orders.inc({ venue, outcome });
        log({ venue, symbol: request.symbol, clientOrderId: request.clientOrderId }).warn({ side: request.side, outcome, err: error }, "order not placed");
        throw error;
      }
    },
  };
}
