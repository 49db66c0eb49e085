import type { OrderSide } from "@/lib/exchanges/types";

/**
 * A kind's rules as the preview drives them: told of each candle's open and of each fill, a runner answers
 * with the orders to place and cancel and the deals that closed. Keys name live orders (one per key).
 */
export interface SimOrder {
  key: string;
  side: OrderSide;
  /** A stop triggers when the price reaches it against the position (a sell stop on the way down). */
  type: "market" | "limit" | "stop";
  /** The limit or trigger price; a market order's is ignored (it fills at the price then). */
  price: string;
  amount: string;
  /** The deal (a DCA deal, a grid cycle) this order belongs to; null for none (a grid's inventory). */
  deal: string | null;
}

export interface SimFill {
  key: string;
  side: OrderSide;
  type: SimOrder["type"];
  price: string;
  amount: string;
  fee: string;
  deal: string | null;
  time: number;
}

export interface RunnerActions {
  place?: SimOrder[];
  cancel?: string[];
  closeDeals?: string[];
}

export interface BotRunner {
  onCandle(time: number, open: string): RunnerActions;
  onFill(fill: SimFill): RunnerActions;
}
