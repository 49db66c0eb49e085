import Decimal from "decimal.js";
import { and, gt, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { fills, orders } from "../../db/schema";
import { quoteOf } from "./figures";

const BATCH = 500;

/**
 * Fills the ledger from what orders booked before it existed (migration 0017): for each order, the part
 * of `applied_*` that no ledger row accounts for becomes one fill, keyed like the booking's
 * (order, cumulative filled after it), so running it again, or twice at once, adds nothing. Third-asset
 * fees have no price from back then: they stay in `fees` only, as the booking keeps unpriced ones.
 */
export async function backfillFillLedger(db: Database): Promise<{ inserted: number }> {
  let inserted = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const ledger = sql`(select f.order_id, sum(f.amount) as amount, sum(f.quote_value) as value, min(f.at) as first_at,
      jsonb_agg(f.fees) as fees from ${fills} f group by f.order_id)`;
    const rows = await db
      .select({
        order: orders,
        amount: sql<string | null>`l.amount::text`,
        value: sql<string | null>`l.value::text`,
        firstAt: sql<string | null>`l.first_at`,
        fees: sql<Record<string, string>[] | null>`l.fees`,
      })
      .from(orders)
      .leftJoin(sql`${ledger} l`, sql`l.order_id = ${orders.id}`)
      .where(and(gt(orders.appliedFilled, "0"), sql`${orders.id} > ${after}`, sql`${orders.appliedFilled} > coalesce(l.amount, 0)`))
      .orderBy(orders.id)
      .limit(BATCH);
    if (rows.length === 0) return { inserted };
    after = rows.at(-1)!.order.id;
    for (const { order, amount, value, firstAt, fees: ledgerFees } of rows) {
      const missing = new Decimal(order.appliedFilled).sub(amount ?? 0);
      const cost = Decimal.max(0, new Decimal(order.appliedCost).sub(value ?? 0));
      const booked = new Map<string, Decimal>();
      for (const f of ledgerFees ?? []) for (const [c, v] of Object.entries(f)) booked.set(c, (booked.get(c) ?? new Decimal(0)).add(v));
      const fees: Record<string, string> = {};
      for (const [currency, total] of Object.entries(order.appliedFees)) {
        const left = new Decimal(total).sub(booked.get(currency) ?? 0);
        if (left.gt(0)) fees[currency] = left.toFixed();
      }
      // The booked part came before the ledger's first row for the order.
      const at = firstAt ? new Date(Math.min(new Date(firstAt).getTime() - 1, order.updatedAt.getTime())) : order.updatedAt;
      const written = await db
        .insert(fills)
        .values({
          orderId: order.id,
          strategyId: order.strategyId,
          accountId: order.accountId,
          userId: order.userId,
          symbol: order.symbol,
          side: order.side,
          amount: missing.toFixed(),
          price: cost.div(missing).toFixed(),
          quoteValue: cost.toFixed(),
          fees,
          feeQuote: fees[quoteOf(order.symbol)] ?? "0",
          filledAfter: missing.toFixed(),
          at,
        })
        .onConflictDoNothing({ target: [fills.orderId, fills.filledAfter] })
        .returning({ id: fills.id });
      inserted += written.length;
    }
  }
}
