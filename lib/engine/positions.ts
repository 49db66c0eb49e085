import "server-only";
import Decimal from "decimal.js";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { orders, strategyPositions, type OrderRow } from "@/db/schema";

export interface FillState {
  filled: string;
  average: string | null;
  fee: string | null;
  feeCurrency: string | null;
}

/**
 * Books the part of an order's fill not booked yet into its strategy's position, once: the order row's
 * `applied_filled` moves in the same transaction. Fees taken in the base asset shrink what is held, so a
 * later close sells what is really there. Returns the base amount added to (or removed from) the position.
 */
export async function applyFill(order: OrderRow, state: FillState, base: string): Promise<string> {
  if (!order.strategyId) return "0";
  const delta = new Decimal(state.filled).sub(order.appliedFilled);
  if (delta.lte(0) || !state.average) return "0";
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [fresh] = await tx.select({ applied: orders.appliedFilled }).from(orders).where(eq(orders.id, order.id)).for("update");
    if (!fresh || !new Decimal(fresh.applied).eq(order.appliedFilled)) return "0";
    await tx.insert(strategyPositions).values({ strategyId: order.strategyId! }).onConflictDoNothing();
    const [pos] = await tx.select().from(strategyPositions).where(eq(strategyPositions.strategyId, order.strategyId!)).for("update");
    const share = new Decimal(state.filled).isZero() ? new Decimal(0) : delta.div(state.filled);
    const feeDelta = new Decimal(state.fee ?? 0).mul(share);
    const feeInBase = state.feeCurrency === base;
    // A fee in the quote currency is part of the cost (or comes off the proceeds). One in a third asset
    // (BNB on Binance) cannot be added to quote amounts without a price for it: it is left out of P&L.
    const quote = order.symbol.split("/")[1]?.split(":")[0] ?? null;
    const feeInQuote = !feeInBase && (!state.feeCurrency || state.feeCurrency === quote);
    const quoteFee = feeInQuote ? feeDelta : new Decimal(0);
    const value = delta.mul(state.average!);
    let amount = new Decimal(pos!.amount);
    let costBasis = new Decimal(pos!.costBasis);
    let realized = new Decimal(pos!.realizedPnl);
    let { wins, losses } = pos!;
    let moved: Decimal;
    if (order.side === "buy") {
      moved = feeInBase ? delta.sub(feeDelta) : delta;
      amount = amount.add(moved);
      costBasis = costBasis.add(value).add(quoteFee);
    } else {
      const sold = Decimal.min(delta, amount);
      const soldCost = amount.isZero() ? new Decimal(0) : costBasis.mul(sold).div(amount);
      const proceeds = value.sub(feeInBase ? feeDelta.mul(state.average!) : quoteFee);
      const pnl = proceeds.sub(soldCost);
      realized = realized.add(pnl);
      if (pnl.gt(0)) wins += 1;
      else losses += 1;
      amount = amount.sub(sold);
      costBasis = costBasis.sub(soldCost);
      moved = sold.neg();
    }
    await tx
      .update(strategyPositions)
      .set({ amount: amount.toFixed(), costBasis: costBasis.toFixed(), realizedPnl: realized.toFixed(), wins, losses, updatedAt: new Date() })
      .where(eq(strategyPositions.strategyId, order.strategyId!));
    await tx
      .update(orders)
      .set({ appliedFilled: state.filled, updatedAt: new Date() })
      .where(and(eq(orders.id, order.id), eq(orders.appliedFilled, order.appliedFilled)));
    return moved.toFixed();
  });
}

export async function positionOf(strategyId: string) {
  const db = await getDb();
  const [pos] = await db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, strategyId));
  return pos ?? { strategyId, amount: "0", costBasis: "0", realizedPnl: "0", wins: 0, losses: 0, updatedAt: new Date() };
}
