import "server-only";
import Decimal from "decimal.js";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { fills, orders, strategyPositions, type OrderRow } from "@/db/schema";
import { bookPerpFill, isPerpSymbol } from "./perp-book";

export interface Fee {
  cost: string;
  currency: string;
}

/** An order's cumulative state as the exchange reports it. */
export interface FillState {
  filled: string;
  average: string | null;
  cost: string | null;
  /** Cumulative fees, one entry per currency (fills may pay in BNB, then in the asset received). */
  fees: Fee[];
  /** The quote price of a third-asset fee (BNB) at the time of the new fills, where it is known. */
  feePrices?: Record<string, string>;
  /** The part of the new third-asset fees paid by fills earlier than `at`: kept apart, never priced at `at`. */
  feesApart?: Record<string, string>;
  /** When the new fills happened, as the exchange says; the booking's time where it does not. */
  at?: Date;
}

/**
 * Books the part of an order's fill not booked yet into its strategy's position, once: the order row's
 * `applied_*` columns move in the same transaction. Each new fill is booked at its own price and fee (the
 * change in cumulative cost and in each currency's fee since the last booking), not at the order's
 * running average. A fee in the base asset shrinks what is held; one in the quote asset is part of the
 * cost or comes off the proceeds; one in a third asset (BNB) counts as quote at its price at the fill's
 * time when that is known, and is otherwise kept apart per asset. A sell books only what the strategy
 * holds: coins beyond that were never the strategy's, and neither is their price.
 * Every booked increment, of strategy and manual orders alike, is also written to the fill ledger.
 * Returns the base amount added to (or removed from) the position.
 */
export async function applyFill(order: OrderRow, state: FillState, base: string, contractSize = "1"): Promise<string> {
  // Perpetual orders fill in contracts; the ledger and the position hold base units.
  const contractDelta = new Decimal(state.filled).sub(order.appliedFilled);
  if (contractDelta.lte(0)) return "0";
  const delta = contractDelta.mul(contractSize);
  const totalCost = state.cost && new Decimal(state.cost).gt(0) ? new Decimal(state.cost) : state.average ? new Decimal(state.filled).mul(contractSize).mul(state.average) : null;
  if (!totalCost) return "0";
  const db = await getDb();
  // This fill alone: its quote value and its fee in each currency (cumulative figures less what was booked).
  const value = Decimal.max(0, totalCost.sub(order.appliedCost));
  const quote = order.symbol.split("/")[1]?.split(":")[0] ?? null;
  const appliedFees = { ...order.appliedFees };
  const newFees = new Map<string, Decimal>();
  for (const f of state.fees) {
    newFees.set(f.currency, (newFees.get(f.currency) ?? new Decimal(0)).add(Decimal.max(0, new Decimal(f.cost).sub(appliedFees[f.currency] ?? 0))));
    appliedFees[f.currency] = Decimal.max(f.cost, appliedFees[f.currency] ?? 0).toFixed();
  }
  return db.transaction(async (tx) => {
    // Compare-and-set on what was booked (the applied columns move together): a second booking of the
    // same fill, by another worker, finds it moved and books nothing. The row stays locked to the end.
    const [claimed] = await tx
      .update(orders)
      .set({
        appliedFilled: state.filled,
        appliedCost: totalCost.toFixed(),
        appliedFees,
        appliedFee: state.fees.length === 1 ? appliedFees[state.fees[0]!.currency]! : "0",
        updatedAt: new Date(),
      })
      .where(and(eq(orders.id, order.id), eq(orders.appliedFilled, order.appliedFilled)))
      .returning({ id: orders.id });
    if (!claimed) return "0";

    const otherFees: Record<string, string> = {};
    const usedPrices: Record<string, string> = {};
    let baseFee = new Decimal(0);
    let quoteFee = new Decimal(0);
    for (const [currency, fee] of newFees) {
      if (fee.isZero()) continue;
      const price = state.feePrices?.[currency];
      if (currency === base) baseFee = baseFee.add(fee);
      else if (currency === quote) quoteFee = quoteFee.add(fee);
      else if (price) {
        const apart = Decimal.min(fee, state.feesApart?.[currency] ?? 0);
        if (apart.lt(fee)) {
          quoteFee = quoteFee.add(fee.sub(apart).mul(price));
          usedPrices[currency] = price;
        }
        if (apart.gt(0)) otherFees[currency] = apart.toFixed();
      } else otherFees[currency] = fee.toFixed();
    }
    await tx
      .insert(fills)
      .values({
        orderId: order.id,
        strategyId: order.strategyId,
        accountId: order.accountId,
        userId: order.userId,
        symbol: order.symbol,
        side: order.side,
        amount: delta.toFixed(),
        price: value.div(delta).toFixed(),
        quoteValue: value.toFixed(),
        fees: Object.fromEntries([...newFees].filter(([, fee]) => !fee.isZero()).map(([currency, fee]) => [currency, fee.toFixed()])),
        feeQuote: quoteFee.toFixed(),
        feePrices: usedPrices,
        filledAfter: state.filled,
        at: state.at ?? new Date(),
      })
      .onConflictDoNothing({ target: [fills.orderId, fills.filledAfter] });
    if (!order.strategyId) return "0";

    // Inserted when missing, locked either way, in one statement.
    const [pos] = await tx
      .insert(strategyPositions)
      .values({ strategyId: order.strategyId! })
      .onConflictDoUpdate({ target: strategyPositions.strategyId, set: { strategyId: sql`excluded.strategy_id` } })
      .returning();

    const keptApart = { ...(pos!.otherFees ?? {}) };
    for (const [currency, fee] of Object.entries(otherFees)) keptApart[currency] = new Decimal(keptApart[currency] ?? 0).add(fee).toFixed();

    let amount = new Decimal(pos!.amount);
    let costBasis = new Decimal(pos!.costBasis);
    let realized = new Decimal(pos!.realizedPnl);
    let { wins, losses } = pos!;
    let moved: Decimal;
    if (isPerpSymbol(order.symbol)) {
      const booked = bookPerpFill({ amount, costBasis }, { side: order.side, base: delta, value, fee: quoteFee });
      if (booked.pnl) {
        realized = realized.add(booked.pnl);
        if (booked.pnl.gt(0)) wins += 1;
        else losses += 1;
      }
      moved = booked.amount.sub(amount);
      amount = booked.amount;
      costBasis = booked.costBasis;
    } else if (order.side === "buy") {
      moved = delta.sub(baseFee);
      amount = amount.add(moved);
      costBasis = costBasis.add(value).add(quoteFee);
    } else {
      const sold = Decimal.min(delta, amount);
      moved = new Decimal(0);
      if (sold.gt(0)) {
        const share = sold.div(delta);
        // A fee taken in the base asset leaves the position with the coins sold.
        const feeCoins = Decimal.min(baseFee.mul(share), amount.sub(sold));
        const gone = sold.add(feeCoins);
        const goneCost = gone.eq(amount) ? costBasis : costBasis.mul(gone).div(amount);
        const pnl = value.mul(share).sub(quoteFee.mul(share)).sub(goneCost);
        realized = realized.add(pnl);
        if (pnl.gt(0)) wins += 1;
        else losses += 1;
        amount = amount.sub(gone);
        costBasis = costBasis.sub(goneCost);
        moved = gone.neg();
      }
    }
    await tx
      .update(strategyPositions)
      .set({ amount: amount.toFixed(), costBasis: costBasis.toFixed(), realizedPnl: realized.toFixed(), wins, losses, otherFees: keptApart, updatedAt: new Date() })
      .where(eq(strategyPositions.strategyId, order.strategyId!));
    return moved.toFixed();
  });
}

export async function positionOf(strategyId: string) {
  const db = await getDb();
  const [pos] = await db.select().from(strategyPositions).where(eq(strategyPositions.strategyId, strategyId));
  return pos ?? { strategyId, amount: "0", costBasis: "0", realizedPnl: "0", wins: 0, losses: 0, otherFees: {}, protection: "none" as const, protectionNote: null };
}
