import type { Market, OrderSide } from "@/lib/exchanges/types";

export type Direction = "long" | "short";

/** What a bot is planned against: the market's precision and limits and the price now. */
export interface PlanContext {
  market: Market;
  price: string;
  /** Fee rate per fill (0.001 = 0.1 %) for the figures that count fees; 0 when unset. */
  feeRate?: string;
}

/** One order of a plan, already rounded to the market's tick and step. */
export interface PlannedOrder {
  level: number;
  role: "base" | "safety" | "grid_buy" | "grid_sell" | "inventory" | "take_profit";
  side: OrderSide;
  type: "market" | "limit";
  /** The limit price, or the reference price of a market order. */
  price: string;
  amount: string;
  cost: string;
}

/** Why a level of a plan cannot be placed; `message` names the level for the form. */
export interface LevelRefusal {
  level: number;
  reason: "amount_too_small" | "amount_too_large" | "cost_too_small" | "not_positive" | "price_not_apart";
  price: string;
  /** The market's minimum (amount or notional) the level falls short of. */
  min?: string;
  message: string;
}

export interface BotPlan {
  orders: PlannedOrder[];
  /** Empty when the bot may start; otherwise creation is refused with these reasons. */
  refusals: LevelRefusal[];
  /** The quote the whole plan commits when every order fills (fees not included). */
  fundsNeeded: string;
}

/** Named figures a kind shows on its page and in the preview (decimal strings). */
export type BotFigures = Record<string, string | null>;
