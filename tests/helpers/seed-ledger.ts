import Decimal from "decimal.js";
import type { Database } from "../../db/client";
import { fills, orders } from "../../db/schema";

export interface SeedFill {
  /** Fills with the same `order` belong to one order (a partial fill is one of several). */
  order: string;
  strategyId: string | null;
  symbol: string;
  side: "buy" | "sell";
  amount: string;
  price: string;
  feeQuote?: string;
  /** Fees per currency (base, quote, BNB); the quote fee alone when left out. */
  fees?: Record<string, string>;
  feePrices?: Record<string, string>;
  at: Date;
}

/** Writes orders and their fill-ledger rows as the booking would (quote fees only), in batches. */
export async function seedLedger(db: Database, { userId, accountId, rows }: { userId: string; accountId: string; rows: SeedFill[] }) {
  const orderIds = new Map<string, string>();
  const filled = new Map<string, Decimal>();
  const byOrder = new Map<string, SeedFill[]>();
  for (const r of rows) {
    const parts = byOrder.get(r.order) ?? [];
    parts.push(r);
    byOrder.set(r.order, parts);
  }
  const orderValues = [...byOrder.entries()].map(([key, parts]) => {
    const first = parts[0]!;
    const amount = parts.reduce((s, p) => s.add(p.amount), new Decimal(0)).toFixed();
    const cost = parts.reduce((s, p) => s.add(new Decimal(p.amount).mul(p.price)), new Decimal(0)).toFixed();
    return {
      userId,
      accountId,
      source: first.strategyId ? ("signal" as const) : ("manual" as const),
      strategyId: first.strategyId,
      clientOrderId: `seed-${key}-${Math.random().toString(36).slice(2, 10)}`,
      symbol: first.symbol,
      side: first.side,
      type: "market" as const,
      amount,
      status: "filled" as const,
      filled: amount,
      appliedFilled: amount,
      appliedCost: cost,
      cost,
      createdAt: first.at,
      updatedAt: parts.at(-1)!.at,
    };
  });
  const keys = [...byOrder.keys()];
  for (let i = 0; i < orderValues.length; i += 1000) {
    const written = await db.insert(orders).values(orderValues.slice(i, i + 1000)).returning({ id: orders.id });
    written.forEach((w, j) => orderIds.set(keys[i + j]!, w.id));
  }
  const fillValues = rows.map((r) => {
    const after = (filled.get(r.order) ?? new Decimal(0)).add(r.amount);
    filled.set(r.order, after);
    const quote = r.symbol.split("/")[1]!.split(":")[0]!;
    const fee = r.feeQuote ?? "0";
    return {
      orderId: orderIds.get(r.order)!,
      strategyId: r.strategyId,
      accountId,
      userId,
      symbol: r.symbol,
      side: r.side,
      amount: r.amount,
      price: r.price,
      quoteValue: new Decimal(r.amount).mul(r.price).toFixed(),
      fees: r.fees ?? (new Decimal(fee).isZero() ? {} : { [quote]: fee }),
      feePrices: r.feePrices ?? {},
      feeQuote: fee,
      filledAfter: after.toFixed(),
      at: r.at,
    };
  });
  for (let i = 0; i < fillValues.length; i += 1000) await db.insert(fills).values(fillValues.slice(i, i + 1000));
  return orderIds;
}
