import type { MarketInterface as CcxtMarket, Order as CcxtOrder } from "ccxt";
import Decimal from "decimal.js";
import type { Candle, ExchangeOrder, Market, OrderStatus } from "./types";

export function dec(value: number | string | undefined | null): string | null {
  if (value === undefined || value === null || value === "") return null;
  try {
    return new Decimal(value).toFixed();
  } catch {
    return null;
  }
}

function step(value: number | undefined, mode: number): string {
  if (value === undefined) return "0";
  // precisionMode 2 (DECIMAL_PLACES) gives digits; 4 (TICK_SIZE) gives the step itself.
  return mode === 2 ? new Decimal(10).pow(-value).toFixed() : new Decimal(value).toFixed();
}

export function toMarket(m: CcxtMarket, precisionMode: number): Market {
  return {
    symbol: m.symbol,
    id: m.id ?? m.symbol,
    base: m.base,
    quote: m.quote,
    type: m.type === "swap" ? "swap" : "spot",
    amountStep: step(m.precision?.amount, precisionMode),
    priceStep: step(m.precision?.price, precisionMode),
    minAmount: dec(m.limits?.amount?.min),
    maxAmount: dec(m.limits?.amount?.max),
    minCost: dec(m.limits?.cost?.min),
    contractSize: m.type === "swap" ? dec(m.contractSize) : null,
  };
}

function toStatus(o: CcxtOrder): OrderStatus {
  const filled = new Decimal(o.filled ?? 0);
  switch (o.status) {
    case "closed":
      return "filled";
    case "canceled":
      return "canceled";
    case "expired":
      return "expired";
    case "rejected":
      return "rejected";
    default:
      return filled.gt(0) ? "partially_filled" : "open";
  }
}

export type CcxtFee = { cost?: number | string; currency?: string } | undefined;

/** ccxt's fees of an order or trades (`fees` where there are several), summed per currency. */
export function feesOf(o: { fee?: CcxtFee; fees?: CcxtFee[] }): { cost: string; currency: string }[] {
  const list = o.fees?.length ? o.fees : o.fee ? [o.fee] : [];
  const sums = new Map<string, Decimal>();
  for (const f of list) {
    if (f?.cost === undefined || f.cost === null || !f.currency) continue;
    sums.set(f.currency, (sums.get(f.currency) ?? new Decimal(0)).add(dec(f.cost) ?? "0"));
  }
  const all = [...sums].map(([currency, cost]) => ({ cost: cost.toFixed(), currency }));
  // A zero fee in one currency beside a real one in another says nothing.
  const paid = all.filter((f) => !new Decimal(f.cost).isZero());
  return paid.length > 0 ? paid : all.slice(0, 1);
}

export function toOrder(o: CcxtOrder): ExchangeOrder {
  const cost = o.cost ?? (o.filled && o.average ? new Decimal(o.filled).mul(o.average).toFixed() : "0");
  const fees = feesOf(o);
  return {
    id: String(o.id),
    clientOrderId: o.clientOrderId ?? null,
    symbol: o.symbol ?? "",
    side: o.side === "sell" ? "sell" : "buy",
    type: o.type === "limit" ? "limit" : "market",
    status: toStatus(o),
    amount: dec(o.amount) ?? "0",
    price: o.type === "limit" ? dec(o.price) : null,
    filled: dec(o.filled) ?? "0",
    average: dec(o.average),
    cost: dec(cost) ?? "0",
    fee: fees.length === 1 ? fees[0]! : null,
    ...(fees.length > 1 ? { fees } : {}),
    ...(o.lastTradeTimestamp ? { lastTradeTimestamp: o.lastTradeTimestamp } : {}),
    timestamp: o.timestamp ?? Date.now(),
  };
}

/** ccxt's OHLCV rows (numbers, parsed from the venue's decimal strings) as decimal-string candles, oldest first; rows missing a price are dropped. */
export function toCandles(rows: readonly (readonly (number | string | undefined | null)[])[]): Candle[] {
  const out: Candle[] = [];
  for (const [time, open, high, low, close, volume] of rows) {
    const [o, h, l, c] = [open, high, low, close].map(dec);
    if (typeof time !== "number" || !o || !h || !l || !c) continue;
    out.push({ time, open: o, high: h, low: l, close: c, volume: dec(volume) ?? "0" });
  }
  return out.sort((a, b) => a.time - b.time);
}
