import Decimal from "decimal.js";
import type { BotKind } from "@/db/schema";
import type { Candle, Market } from "@/lib/exchanges/types";
import { parseBot } from "./registry";
import type { BotRunner, RunnerActions, SimFill, SimOrder } from "./runner";
import type { LevelRefusal } from "./types";

export interface PreviewDeal {
  id: string;
  openedAt: number;
  closedAt: number | null;
  fills: number;
  /** Quote paid for the deal's buys and received for its sells (fees apart). */
  bought: string;
  boughtAmount: string;
  sold: string;
  soldAmount: string;
  /** The buys' volume-weighted price. */
  averageBuy: string | null;
  fees: string;
  /** sold - bought - fees, once the deal closed. */
  pnl: string | null;
}

export interface PreviewResult {
  deals: PreviewDeal[];
  /** The closed deals' P&L after fees. */
  realizedPnl: string;
  /** The deepest fall of equity (quote held + position at the price) from its running peak. */
  maxDrawdown: string;
  /** The most quote ever committed at once: spent on what is held plus locked in resting buys. */
  fundsUsed: string;
  fees: string;
  /** Cash and position at the end (the position valued at the last close gives the equity). */
  cash: string;
  position: string;
}

const MAX_FILLS_PER_MOVE = 10_000;

/** A buy limit or a sell stop waits below the price; a sell limit or a buy stop above it. */
const waitsBelow = (order: SimOrder) => (order.type === "limit") === (order.side === "buy");

/** Whether an order is crossed already at `price` (a limit placed through the price, a stop already passed). */
function crossedAt(order: SimOrder, price: Decimal): boolean {
  return waitsBelow(order) ? price.lte(order.price) : price.gte(order.price);
}

/**
 * The resting order a move from `from` toward `to` reaches first, where, and its fill price: a limit at its
 * own price (it was in the book, even when the price gapped through it between candles), a stop at its
 * trigger, or at `from` when the price gapped through it.
 */
function firstHit(book: Map<string, SimOrder>, from: Decimal, to: Decimal): { order: SimOrder; at: Decimal; price: Decimal } | null {
  let best: { order: SimOrder; at: Decimal; price: Decimal } | null = null;
  for (const order of book.values()) {
    const p = new Decimal(order.price);
    let at: Decimal | null = null;
    if (crossedAt(order, from)) at = from;
    else if (waitsBelow(order) ? to.lt(from) && p.gte(to) : to.gt(from) && p.lte(to)) at = p;
    if (!at) continue;
    // Among orders a gap went through, the one furthest from the price now was crossed first.
    const sooner = !best || at.minus(from).abs().lt(best.at.minus(from).abs()) || (at.eq(best.at) && p.minus(from).abs().gt(new Decimal(best.order.price).minus(from).abs()));
    if (sooner) best = { order, at, price: order.type === "limit" ? p : at };
  }
  return best;
}

/**
 * Runs a kind's rules over candles as the paper exchange would fill them: within a candle the price goes
 * open, low, high, close (open, high, low, close for a falling candle); a limit fills in full at its price
 * when the path crosses it, a stop at its trigger, a market order (or a limit placed through the price) at
 * the price then; each fill pays `feeRate` of its value in the quote asset. A simulation on past prices,
 * not a forecast.
 */
export function simulate(runner: BotRunner, candles: readonly Candle[], feeRate: string): PreviewResult {
  const book = new Map<string, SimOrder>();
  const deals = new Map<string, { id: string; openedAt: number; closedAt: number | null; fills: number; bought: Decimal; boughtAmount: Decimal; sold: Decimal; soldAmount: Decimal; fees: Decimal }>();
  let cash = new Decimal(0);
  let position = new Decimal(0);
  let fees = new Decimal(0);
  let peakEquity = new Decimal(0);
  let maxDrawdown = new Decimal(0);
  let fundsUsed = new Decimal(0);

  const measure = (price: Decimal) => {
    const equity = cash.plus(position.mul(price));
    peakEquity = Decimal.max(peakEquity, equity);
    maxDrawdown = Decimal.max(maxDrawdown, peakEquity.minus(equity));
    let locked = new Decimal(0);
    for (const o of book.values()) if (o.side === "buy" && o.type === "limit") locked = locked.plus(new Decimal(o.price).mul(o.amount));
    fundsUsed = Decimal.max(fundsUsed, cash.neg().plus(locked));
  };

  function fill(order: SimOrder, price: Decimal, time: number): RunnerActions {
    book.delete(order.key);
    const value = price.mul(order.amount);
    const fee = value.mul(feeRate);
    fees = fees.plus(fee);
    if (order.side === "buy") {
      cash = cash.minus(value).minus(fee);
      position = position.plus(order.amount);
    } else {
      cash = cash.plus(value).minus(fee);
      position = position.minus(order.amount);
    }
    if (order.deal) {
      const deal = deals.get(order.deal) ?? { id: order.deal, openedAt: time, closedAt: null, fills: 0, bought: new Decimal(0), boughtAmount: new Decimal(0), sold: new Decimal(0), soldAmount: new Decimal(0), fees: new Decimal(0) };
      deal.fills += 1;
      deal.fees = deal.fees.plus(fee);
      if (order.side === "buy") {
        deal.bought = deal.bought.plus(value);
        deal.boughtAmount = deal.boughtAmount.plus(order.amount);
      } else {
        deal.sold = deal.sold.plus(value);
        deal.soldAmount = deal.soldAmount.plus(order.amount);
      }
      deals.set(deal.id, deal);
    }
    const done: SimFill = { key: order.key, side: order.side, type: order.type, price: price.toFixed(), amount: order.amount, fee: fee.toFixed(), deal: order.deal, time };
    return runner.onFill(done);
  }

  /** Applies a runner's answer at `price`; market orders it places fill at once, and their answers in turn. */
  function apply(first: RunnerActions, price: Decimal, time: number) {
    const pending = [first];
    while (pending.length > 0) {
      const actions = pending.shift()!;
      for (const key of actions.cancel ?? []) book.delete(key);
      for (const order of actions.place ?? []) {
        if (order.type === "market" || crossedAt(order, price)) pending.push(fill(order, price, time));
        else book.set(order.key, order);
      }
      for (const id of actions.closeDeals ?? []) {
        const deal = deals.get(id);
        if (deal && deal.closedAt === null) deal.closedAt = time;
      }
      measure(price);
    }
  }

  for (const candle of candles) {
    const [open, high, low, close] = [candle.open, candle.high, candle.low, candle.close].map((v) => new Decimal(v)) as [Decimal, Decimal, Decimal, Decimal];
    const path = close.gte(open) ? [open, low, high, close] : [open, high, low, close];
    let at = open;
    apply(runner.onCandle(candle.time, open.toFixed()), at, candle.time);
    for (const to of path.slice(1)) {
      for (let n = 0; n < MAX_FILLS_PER_MOVE; n++) {
        const hit = firstHit(book, at, to);
        if (!hit) break;
        at = hit.at;
        apply(fill(hit.order, hit.price, candle.time), at, candle.time);
      }
      at = to;
      measure(at);
    }
  }

  const out = [...deals.values()].map((d): PreviewDeal => ({
    id: d.id,
    openedAt: d.openedAt,
    closedAt: d.closedAt,
    fills: d.fills,
    bought: d.bought.toFixed(),
    boughtAmount: d.boughtAmount.toFixed(),
    sold: d.sold.toFixed(),
    soldAmount: d.soldAmount.toFixed(),
    averageBuy: d.boughtAmount.isZero() ? null : d.bought.div(d.boughtAmount).toFixed(),
    fees: d.fees.toFixed(),
    pnl: d.closedAt === null ? null : d.sold.minus(d.bought).minus(d.fees).toFixed(),
  }));
  const realized = out.reduce((sum, d) => (d.pnl === null ? sum : sum.plus(d.pnl)), new Decimal(0));
  return { deals: out, realizedPnl: realized.toFixed(), maxDrawdown: maxDrawdown.toFixed(), fundsUsed: fundsUsed.toFixed(), fees: fees.toFixed(), cash: cash.toFixed(), position: position.toFixed() };
}

/**
 * The preview of a kind with its settings over candles. Bad settings, a kind without rules to run, or a plan
 * the market refuses at the first candle's price (the levels named) are answered without a simulation.
 */
export function previewBot(input: { kind: BotKind; settings: unknown; market: Market; candles: readonly Candle[]; feeRate: string }):
  | { ok: true; result: PreviewResult }
  | { ok: false; reason: "invalid_settings" | "not_previewable" | "refused"; message: string; refusals?: LevelRefusal[] } {
  const parsed = parseBot(input.kind, input.settings);
  if (!parsed.ok) return { ok: false, reason: "invalid_settings", message: parsed.error.issues[0]?.message ?? "The settings are not valid." };
  if (!parsed.bot.runner) return { ok: false, reason: "not_previewable", message: "A signal strategy follows its signals: there is nothing to simulate before they come." };
  const first = input.candles[0];
  const refusals = first ? parsed.bot.plan({ market: input.market, price: first.open, feeRate: input.feeRate }).refusals : [];
  if (refusals.length > 0) return { ok: false, reason: "refused", message: refusals[0]!.message, refusals };
  return { ok: true, result: simulate(parsed.bot.runner(input.market), input.candles, input.feeRate) };
}
