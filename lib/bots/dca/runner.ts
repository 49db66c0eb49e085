import type { Market } from "@/lib/exchanges/types";
import type { BotRunner, RunnerActions, SimFill, SimOrder } from "../runner";
import { averageEntry, positionOf, stopLossPrice, takeProfitPrice, type Fill } from "./deal";
import { dcaLadder } from "./ladder";
import type { DcaSettings } from "./settings";

/**
 * DCA deals over a price path: a deal starts at a candle's open (a signal-started bot is previewed as if
 * the signal came then) with the base order at market and the safety orders resting; after every entry
 * fill the take-profit (and a stop from the average) is replaced for the whole position; the take-profit
 * or the stop closes the deal and cancels what rests. With restart on, the next deal starts at the first
 * candle open after the cooldown.
 */
export function dcaRunner(settings: DcaSettings, market: Market): BotRunner {
  const entry = settings.direction === "long" ? "buy" : "sell";
  const exit = settings.direction === "long" ? "sell" : "buy";
  let deal = 0;
  let active = false;
  let closedAt: number | null = null;
  let fills: Fill[] = [];
  let lastSafetyPrice: string | null = null;
  const resting = new Set<string>();
  const id = () => `dca-${deal}`;

  const place = (orders: SimOrder[]): SimOrder[] => {
    orders.forEach((o) => resting.add(o.key));
    return orders;
  };
  const cancel = (keys: string[]): string[] => keys.filter((k) => resting.delete(k));

  function exits(): RunnerActions {
    const average = averageEntry(fills)!;
    const amount = positionOf(fills);
    const orders: SimOrder[] = [{ key: `${id()}:tp`, side: exit, type: "limit", price: takeProfitPrice(average, settings.takeProfitPct, settings.direction, market.priceStep), amount, deal: id() }];
    if (settings.stopLoss) {
      const reference = settings.stopLoss.from === "average" ? average : (lastSafetyPrice ?? average);
      orders.push({ key: `${id()}:sl`, side: exit, type: "stop", price: stopLossPrice(reference, settings.stopLoss.pct, settings.direction, market.priceStep), amount, deal: id() });
    }
    return { cancel: cancel([`${id()}:tp`, `${id()}:sl`]), place: place(orders) };
  }

  return {
    onCandle(time, open) {
      if (active) return {};
      if (closedAt !== null && (!settings.restart || time < closedAt + settings.cooldownMinutes * 60_000)) return {};
      const ladder = dcaLadder(settings, market, open);
      if (ladder.refusals.length > 0) return {};
      deal += 1;
      active = true;
      fills = [];
      lastSafetyPrice = ladder.levels.at(-1)?.role === "safety" ? ladder.levels.at(-1)!.price : null;
      return { place: place(ladder.levels.map((l) => ({ key: `${id()}:${l.level}`, side: entry, type: l.type, price: l.price, amount: l.amount, deal: id() }))) };
    },

    onFill(fill: SimFill) {
      resting.delete(fill.key);
      if (fill.side === entry) {
        fills.push({ price: fill.price, amount: fill.amount });
        return exits();
      }
      // The take-profit or the stop closed the whole position: nothing of this deal may rest any more.
      active = false;
      closedAt = fill.time;
      fills = [];
      const left = [...resting].filter((k) => k.startsWith(`${id()}:`));
      return { cancel: cancel(left), closeDeals: [fill.deal ?? id()] };
    },
  };
}

