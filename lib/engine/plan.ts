import Decimal from "decimal.js";
import { checkOrder, floorToStep, roundPrice } from "@/lib/exchanges/precision";
import type { Market, OrderSide } from "@/lib/exchanges/types";

/** Why an intent was not sent: stored with the execution and shown to the trader. */
export type SkipReason =
  | "trading_off"
  | "trading_paused"
  | "symbol_off"
  | "symbol_paused"
  | "strategy_off"
  | "strategy_paused"
  | "not_trader"
  | "account_off"
  | "action_not_followed"
  | "no_price"
  | "below_minimum"
  | "insufficient_balance"
  | "no_position"
  | "max_open_orders"
  | "max_position"
  | "nothing_to_cancel"
  | "expired";

export type SignalAction = "buy" | "sell" | "close" | "cancel";

/** At most this share of the free quote balance is spent by percent sizing (fees, price moves). */
export const TRADABLE_PERCENT = 99;

export interface SwitchesInput {
  strategyEnabled: boolean;
  /** Each switch, when off, either pauses entries only (exits and protection go on) or stops everything. */
  strategyKeepsExits: boolean;
  role: number;
  userDisabled: boolean;
  tradingEnabled: boolean;
  tradingKeepsExits: boolean;
  symbolEnabled: boolean | null;
  symbolKeepsExits: boolean | null;
  accountActive: boolean;
}

export interface GateInput extends SwitchesInput {
  action: SignalAction;
  followBuy: boolean;
  followSell: boolean;
  followClose: boolean;
  followCancel: boolean;
}

/**
 * The switches, in the order a trader thinks of them; the first that is off decides. Entries need every
 * switch on; exits (sell, close, cancel, take-profits and stop-losses) pass a switch that only pauses entries.
 */
export function switchGate(row: SwitchesInput, kind: "entry" | "exit"): SkipReason | null {
  // null: passes; otherwise whether the switch pauses entries only or stops everything.
  const blocks = (on: boolean, keepsExits: boolean) => (on || (kind === "exit" && keepsExits) ? null : keepsExits ? "paused" : "off");
  if (row.role < 2 || row.userDisabled) return "not_trader";
  const trading = blocks(row.tradingEnabled, row.tradingKeepsExits);
  if (trading) return `trading_${trading}`;
  const symbol = blocks(row.symbolEnabled !== false, row.symbolKeepsExits !== false);
  if (symbol) return `symbol_${symbol}`;
  const strategy = blocks(row.strategyEnabled, row.strategyKeepsExits);
  if (strategy) return `strategy_${strategy}`;
  if (!row.accountActive) return "account_off";
  return null;
}

export function gate(row: GateInput): SkipReason | null {
  const off = switchGate(row, row.action === "buy" ? "entry" : "exit");
  if (off) return off;
  const follows = { buy: row.followBuy, sell: row.followSell, close: row.followClose, cancel: row.followCancel }[row.action];
  return follows ? null : "action_not_followed";
}

export interface SizingInput {
  action: "buy" | "sell" | "close";
  sizingMode: "quote" | "base" | "percent";
  sizingValue: string;
  orderType: "market" | "limit";
  limitOffsetPct: string;
  price: string;
  market: Market;
  /**
   * The account's free quote asset; null when it was not read (a buy sized in quote or base units needs no
   * balance: the venue refuses what the account cannot pay, for a request weight of 1 instead of a
   * balance read's 20 on every entry).
   */
  freeQuote: string | null;
  freeBase: string;
  /** What the strategy actually holds (after fees taken in the base asset). */
  positionAmount: string;
}

export type SizedOrder =
  | { ok: true; side: OrderSide; type: "market" | "limit"; amount: string; price?: string; cost: string }
  | { ok: false; reason: SkipReason; detail?: Record<string, string> };

/**
 * Turns a signal into one order: sizing by quote amount, base amount or % of free quote; a limit at the
 * signal price ± offset; sells and closes use what is actually held, never the nominal bought amount.
 */
export function sizeOrder(input: SizingInput): SizedOrder {
  const { market } = input;
  const side: OrderSide = input.action === "buy" ? "buy" : "sell";
  const offset = new Decimal(input.limitOffsetPct || "0").div(100);
  const limitPrice =
    input.orderType === "limit"
      ? roundPrice(new Decimal(input.price).mul(side === "buy" ? Decimal.sub(1, offset) : Decimal.add(1, offset)), market.priceStep, side)
      : undefined;
  const unit = new Decimal(limitPrice ?? input.price);
  if (unit.lte(0)) return { ok: false, reason: "no_price" };

  let amount: Decimal;
  if (input.action === "close") {
    amount = Decimal.min(input.positionAmount, input.freeBase);
  } else if (input.sizingMode === "base") {
    amount = new Decimal(input.sizingValue);
  } else {
    // Percent of the free balance keeps a tradable share back for fees and price moves.
    const percent = Decimal.min(input.sizingValue, TRADABLE_PERCENT);
    const quote = input.sizingMode === "percent" ? new Decimal(input.freeQuote ?? 0).mul(percent).div(100) : new Decimal(input.sizingValue);
    amount = quote.div(unit);
  }
  if (side === "sell") {
    const held = Decimal.min(input.positionAmount, input.freeBase);
    if (held.lte(0)) return { ok: false, reason: "no_position" };
    amount = Decimal.min(amount, held);
  }
  const rounded = floorToStep(amount, market.amountStep);
  // The caps (max open orders, max position) are checked where the row is written: insertWithinCaps.
  const check = checkOrder(market, { side, type: input.orderType, amount: rounded, price: limitPrice, referencePrice: input.price });
  if (!check.ok) {
    const detail: Record<string, string> = { rule: check.reason };
    if ("min" in check) detail.min = check.min;
    return { ok: false, reason: "below_minimum", detail };
  }
  const cost = new Decimal(check.amount).mul(check.price ?? input.price);
  if (side === "buy" && input.freeQuote !== null && cost.gt(input.freeQuote)) {
    return { ok: false, reason: "insufficient_balance", detail: { needed: cost.toFixed(), free: input.freeQuote } };
  }
  return { ok: true, side, type: input.orderType, amount: check.amount, price: check.price, cost: cost.toFixed() };
}
