import "server-only";
import Decimal from "decimal.js";
import { and, count, eq, gt, inArray, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { intentRow } from "@/db/queries/orders";
import { OPEN_STATUSES } from "@/db/queries/strategies";
import { orders, strategyPositions, type OrderRow, type Strategy } from "@/db/schema";
import type { SkipReason } from "./plan";

export type CappedInsert =
  | { ok: true; row: OrderRow | undefined }
  | { ok: false; reason: SkipReason; detail: Record<string, string> };

/**
 * A cap refusing an intent whose own row is already written (a stalled duplicate run of the same
 * execution, whose first run's order now counts against the cap) is no refusal: the caller finds that
 * row and records what it became, never `skipped` over an order that was sent.
 */
async function refuse(
  tx: Pick<Awaited<ReturnType<typeof getDb>>, "select">,
  values: typeof orders.$inferInsert,
  refusal: Extract<CappedInsert, { ok: false }>,
): Promise<CappedInsert> {
  if (values.strategyId && values.eventId && values.leg) {
    if (await intentRow({ strategyId: values.strategyId, eventId: values.eventId, leg: values.leg }, tx)) return { ok: true, row: undefined };
  }
  return refusal;
}

/**
 * Writes a strategy's entry row only while its caps allow it (exits have none: they only ever reduce).
 * `max_open_orders` counts live entries; the strategy's exits and protective orders never count. The check and the insert share one
 * transaction holding the strategy's position row, so intents of one strategy pass here one at a time,
 * whichever drain runs them: concurrent events cannot together pass a cap. `max_position` counts what is
 * held plus what the strategy's buys may still add: the unfilled rest of live ones and fills not yet
 * booked (the position row is locked, so a fill cannot be booked between the two reads).
 */
export async function insertWithinCaps(
  strategy: Pick<Strategy, "id" | "maxOpenOrders" | "maxPosition">,
  values: typeof orders.$inferInsert,
): Promise<CappedInsert> {
  const db = await getDb();
  return db.transaction(async (tx): Promise<CappedInsert> => {
    // Inserted when missing, locked either way, in one statement.
    const [position] = await tx
      .insert(strategyPositions)
      .values({ strategyId: strategy.id })
      .onConflictDoUpdate({ target: strategyPositions.strategyId, set: { strategyId: sql`excluded.strategy_id` } })
      .returning({ amount: strategyPositions.amount });

    if (strategy.maxOpenOrders !== null) {
      const [open] = await tx
        .select({ n: count() })
        .from(orders)
        .where(and(eq(orders.strategyId, strategy.id), eq(orders.leg, "buy"), inArray(orders.status, OPEN_STATUSES)));
      if ((open?.n ?? 0) >= strategy.maxOpenOrders) {
        return refuse(tx, values, { ok: false, reason: "max_open_orders", detail: { max: String(strategy.maxOpenOrders) } });
      }
    }

    if (values.side === "buy" && strategy.maxPosition !== null) {
      const live = sql.join(OPEN_STATUSES.map((s) => sql`${s}`), sql`, `);
      const [pending] = await tx
        .select({
          amount: sql<string>`coalesce(sum(greatest(case when ${orders.status} in (${live}) then ${orders.amount} - ${orders.appliedFilled} else ${orders.filled} - ${orders.appliedFilled} end, 0)), 0)::text`,
        })
        .from(orders)
        .where(
          and(
            eq(orders.strategyId, strategy.id),
            eq(orders.side, "buy"),
            or(inArray(orders.status, OPEN_STATUSES), gt(orders.filled, orders.appliedFilled)),
          ),
        );
      const after = new Decimal(position?.amount ?? 0).add(pending?.amount ?? 0).add(values.amount);
      if (after.gt(strategy.maxPosition)) {
        return refuse(tx, values, { ok: false, reason: "max_position", detail: { max: strategy.maxPosition, after: after.toFixed() } });
      }
    }

    const [row] = await tx.insert(orders).values(values).onConflictDoNothing().returning();
    return { ok: true, row };
  });
}

/**
 * The same, for an opening order of a USDT perpetual (closes are reduce-only: no caps). `max_open_orders`
 * counts the strategy's live opening orders on either side; `max_position` is in base units on the side
 * being opened: what is held on that side, plus what live opening orders of that side may still add and
 * their fills not yet booked (rows count contracts: × the market's contract size), plus this order. Checked
 * in one transaction holding the strategy's position row, with the insert.
 */
export async function insertPerpWithinCaps(
  strategy: Pick<Strategy, "id" | "maxOpenOrders" | "maxPosition">,
  values: typeof orders.$inferInsert,
  contractSize: string,
): Promise<CappedInsert> {
  const db = await getDb();
  return db.transaction(async (tx): Promise<CappedInsert> => {
    const [position] = await tx
      .insert(strategyPositions)
      .values({ strategyId: strategy.id })
      .onConflictDoUpdate({ target: strategyPositions.strategyId, set: { strategyId: sql`excluded.strategy_id` } })
      .returning({ amount: strategyPositions.amount });

    if (strategy.maxOpenOrders !== null) {
      const [open] = await tx
        .select({ n: count() })
        .from(orders)
        .where(and(eq(orders.strategyId, strategy.id), eq(orders.reduceOnly, false), inArray(orders.leg, ["buy", "sell"]), inArray(orders.status, OPEN_STATUSES)));
      if ((open?.n ?? 0) >= strategy.maxOpenOrders) {
        return refuse(tx, values, { ok: false, reason: "max_open_orders", detail: { max: String(strategy.maxOpenOrders) } });
      }
    }

    if (strategy.maxPosition !== null) {
      const live = sql.join(OPEN_STATUSES.map((s) => sql`${s}`), sql`, `);
      const [pending] = await tx
        .select({
          amount: sql<string>`coalesce(sum(greatest(case when ${orders.status} in (${live}) then ${orders.amount} - ${orders.appliedFilled} else ${orders.filled} - ${orders.appliedFilled} end, 0)), 0)::text`,
        })
        .from(orders)
        .where(
          and(
            eq(orders.strategyId, strategy.id),
            eq(orders.side, values.side),
            eq(orders.reduceOnly, false),
            or(inArray(orders.status, OPEN_STATUSES), gt(orders.filled, orders.appliedFilled)),
          ),
        );
      const held = Decimal.max(new Decimal(position?.amount ?? 0).mul(values.side === "buy" ? 1 : -1), 0);
      const after = held.add(new Decimal(pending?.amount ?? 0).add(values.amount).mul(contractSize));
      if (after.gt(strategy.maxPosition)) {
        return refuse(tx, values, { ok: false, reason: "max_position", detail: { max: strategy.maxPosition, after: after.toFixed() } });
      }
    }

    const [row] = await tx.insert(orders).values(values).onConflictDoNothing().returning();
    return { ok: true, row };
  });
}
