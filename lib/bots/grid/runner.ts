import Decimal from "decimal.js";
import type { Market, OrderSide } from "@/lib/exchanges/types";
import type { BotRunner, RunnerActions, SimOrder } from "../runner";
import { oppositeOrder } from "./cycle";
import { gridPlan } from "./levels";
import type { GridSettings } from "./settings";

/**
 * A grid over a price path: at the first candle's open the base for the sells is bought at market and one
 * order rests per level but the one nearest the price. Every fill places the opposite order one level
 * away (never a second order on a level). A cycle is a deal: the fill of an order placed at the start or
 * after a completed cycle opens one, and the fill of its opposite order completes it. With "stop outside
 * the range", a candle opening outside it cancels the grid.
 */
export function gridRunner(settings: GridSettings, market: Market): BotRunner {
  let started = false;
  let stopped = false;
  let prices: string[] = [];
  let amount = "0";
  let cycles = 0;
  // Level -> what rests there: its side and the cycle it opens or completes.
  const levels = new Map<number, { side: OrderSide; cycle: string; completes: boolean }>();

  const key = (level: number) => `grid:${level}`;
  const rest = (level: number, side: OrderSide, cycle: string, completes: boolean): SimOrder => {
    levels.set(level, { side, cycle, completes });
    return { key: key(level), side, type: "limit", price: prices[level]!, amount, deal: cycle };
  };
  const newCycle = () => `cycle-${++cycles}`;

  return {
    onCandle(_time, open) {
      if (stopped) return {};
      if (started) {
        const outside = new Decimal(open).lt(settings.lower) || new Decimal(open).gt(settings.upper);
        if (!settings.stopOutsideRange || !outside) return {};
        stopped = true;
        const cancel = [...levels.keys()].map(key);
        levels.clear();
        return { cancel };
      }
      const plan = gridPlan(settings, market, open);
      if (plan.refusals.length > 0) {
        stopped = true;
        return {};
      }
      started = true;
      prices = plan.prices;
      amount = plan.amount;
      const place: SimOrder[] = plan.orders.map((o) =>
        o.role === "inventory" ? { key: "grid:inventory", side: "buy", type: "market", price: o.price, amount: o.amount, deal: null } : rest(o.level, o.side, newCycle(), false),
      );
      return { place };
    },

    onFill(fill) {
      if (fill.key === "grid:inventory") return {};
      const level = Number(fill.key.slice("grid:".length));
      const filled = levels.get(level);
      levels.delete(level);
      if (!filled) return {};
      const actions: RunnerActions = filled.completes ? { closeDeals: [filled.cycle] } : {};
      const next = oppositeOrder(prices, { level, side: filled.side });
      if (next && !levels.has(next.level)) actions.place = [rest(next.level, next.side, filled.completes ? newCycle() : filled.cycle, !filled.completes)];
      return actions;
    },
  };
}
