import "server-only";
import Decimal from "decimal.js";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { orders, strategyPositions, type OrderRow } from "@/db/schema";

/** An order's cumulative state as the exchange reports it. */
export interface FillState {
  filled: string;
  average: string | null;
  cost: string | null;
  fee: string | null;
  feeCurrency: string | null;
}

/**
 * Books the part of an order's fill not booked yet into its strategy's position, once: the order row's
 * `applied_*` columns move in the same transaction. Each new fill is booked at its own price and fee (the
 * change in cumulative cost and fee since the last booking), not at the order's running average. A fee in
 * the base asset shrinks what is held; one in the quote asset is part of the cost or comes off the
 * proceeds; one in a third asset (BNB) is kept apart per asset. A sell books only what the strategy holds:
 * coins beyond that were never the strategy's, and neither is their price.
 * Returns the base amount added to (or removed from) the position.
 */
export async function applyFill(order: OrderRow, state: FillState, base: string): Promise<string> {
  if (!order.strategyId) return "0";
  const delta = new Decimal(state.filled).sub(order.appliedFilled);
  if (delta.lte(0)) return "0";
  const totalCost = state.cost && new Decimal(state.cost).gt(0) ? new Decimal(state.cost) : state.average ? new Decimal(state.filled).mul(state.average) : null;
  if (!totalCost) return "0";
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [fresh] = await tx
      .select({ applied: orders.appliedFilled, appliedCost: orders.appliedCost, appliedFee: orders.appliedFee })
      .from(orders)
      .where(eq(orders.id, order.id))
      .for("update");
    if (!fresh || !new Decimal(fresh.applied).eq(order.appliedFilled)) return "0";
    await tx.insert(strategyPositions).values({ strategyId: order.strategyId! }).onConflictDoNothing();
    const [pos] = await tx.select().from(strategyPositions).where(eq(strategyPositions.strategyId, order.strategyId!)).for("update");

    // This fill alone: its quote value and its fee (cumulative figures less what was booked before).
    const value = Decimal.max(0, totalCost.sub(fresh.appliedCost));
    const fee = Decimal.max(0, new Decimal(state.fee ?? 0).sub(fresh.appliedFee));
    const quote = order.symbol.split("/")[1]?.split(":")[0] ?? null;
    const feeInBase = state.feeCurrency === base;
    const feeInQuote = !feeInBase && (!state.feeCurrency || state.feeCurrency === quote);
    const quoteFee = feeInQuote ? fee : new Decimal(0);
    const otherFees = { ...(pos!.otherFees ?? {}) };
    if (!feeInBase && !feeInQuote && fee.gt(0)) {
      otherFees[state.feeCurrency!] = new Decimal(otherFees[state.feeCurrency!] ?? 0).add(fee).toFixed();
    }

    let amount = new Decimal(pos!.amount);
    let costBasis = new Decimal(pos!.costBasis);
    let realized = new Decimal(pos!.realizedPnl);
    let { wins, losses } = pos!;
    let moved: Decimal;
    if (order.side === "buy") {
      moved = feeInBase ? delta.sub(fee) : delta;
      amount = amount.add(moved);
      costBasis = costBasis.add(value).add(quoteFee);
    } else {
      const sold = Decimal.min(delta, amount);
      if (sold.gt(0)) {
        const share = sold.div(delta);
        const soldCost = costBasis.mul(sold).div(amount);
        const unitPrice = value.div(delta);
        const proceeds = value.mul(share).sub(feeInBase ? fee.mul(share).mul(unitPrice) : quoteFee.mul(share));
        const pnl = proceeds.sub(soldCost);
        realized = realized.add(pnl);
        if (pnl.gt(0)) wins += 1;
        else losses += 1;
        amount = amount.sub(sold);
        costBasis = costBasis.sub(soldCost);
      }
      moved = sold.neg();
    }
    await tx
      .update(strategyPositions)
      .set({ amount: amount.toFixed(), costBasis: costBasis.toFixed(), realizedPnl: realized.toFixed(), wins, losses, otherFees, updatedAt: new Date() })
      .where(eq(strategyPositions.strategyId, order.strategyId!));
    await tx
      .update(orders)
      .set({ appliedFilled: state.filled, appliedCost: totalCost.toFixed(), appliedFee: new Decimal(state.fee ?? 0).toFixed(), updatedAt: new Date() })
      .where(and(eq(orders.id, order.id), eq(orders.appliedFilled, order.appliedFilled)));
    return moved.toFixed();
  });
}

export async function positionOf(strategyId: string) {
  const db = await getDb();
  const [pos] = await db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, strategyId));
  return pos ?? { strategyId, amount: "0", costBasis: "0", realizedPnl: "0", wins: 0, losses: 0, otherFees: {}, protection: "none" as const, protectionNote: null };
}
