import "server-only";
import { and, desc, eq, gt, gte, inArray, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { orders } from "../schema";

export type MarkerKind = "entry" | "short" | "exit" | "tp" | "sl" | "buy" | "sell";

export interface ChartMarker {
  time: number;
  kind: MarkerKind;
  side: "buy" | "sell";
  price: string;
  amount: string;
}

export interface ChartLevel {
  kind: "tp" | "sl";
  price: string;
}

/** On a perpetual (`BTC/USDT:USDT`) a signal's sell that is not reduce-only opens or adds to a short: an entry, not an exit. */
export function kindOf(leg: string | null, side: "buy" | "sell", opts: { perpetual: boolean; reduceOnly: boolean }): MarkerKind {
  if (leg === "tp" || leg === "sl") return leg;
  if (leg === "buy") return "entry";
  if (leg === "sell" && opts.perpetual && !opts.reduceOnly) return "short";
  if (leg === "sell" || leg === "close") return "exit";
  return side;
}

/**
 * What a price chart marks for one of the user's strategies (or accounts) on one symbol: every order that
 * filled since `since` at its average price and its last fill's time, and the take-profit and stop-loss
 * legs still resting, as price levels. Always scoped to the user.
 */
export async function chartMarkers(opts: { userId: string; symbol: string; strategyId?: string; accountId?: string; since: Date }) {
  const db = await getDb();
  const where: SQL[] = [eq(orders.userId, opts.userId), eq(orders.symbol, opts.symbol)];
  if (opts.strategyId) where.push(eq(orders.strategyId, opts.strategyId));
  if (opts.accountId) where.push(eq(orders.accountId, opts.accountId));
  // Qualified by hand: inside a select list drizzle leaves column names bare, and both tables have an id.
  const lastFill = sql<Date | string | null>`(select max(f.at) from fills f where f.order_id = "orders"."id")`;
  const filled = await db
    .select({ leg: orders.leg, side: orders.side, reduceOnly: orders.reduceOnly, average: orders.average, price: orders.price, filled: orders.filled, updatedAt: orders.updatedAt, lastFill })
    .from(orders)
    .where(and(...where, gt(orders.filled, "0"), gte(orders.updatedAt, opts.since)))
    .orderBy(desc(orders.updatedAt))
    .limit(300);
  const resting = await db
    .select({ leg: orders.leg, price: orders.price, triggerPrice: orders.triggerPrice })
    .from(orders)
    .where(and(...where, inArray(orders.leg, ["tp", "sl"]), inArray(orders.status, ["sending", "open", "partially_filled", "unknown", "retry"])))
    .limit(20);
  const markers: ChartMarker[] = filled
    .map((o) => ({
      time: o.lastFill ? new Date(o.lastFill).getTime() : o.updatedAt.getTime(),
      kind: kindOf(o.leg, o.side, { perpetual: opts.symbol.includes(":"), reduceOnly: o.reduceOnly }),
      side: o.side,
      price: o.average ?? o.price ?? "0",
      amount: o.filled,
    }))
    .sort((a, b) => a.time - b.time);
  const levels: ChartLevel[] = resting
    .map((o) => ({ kind: o.leg as "tp" | "sl", price: (o.leg === "sl" ? (o.triggerPrice ?? o.price) : o.price) ?? "" }))
    .filter((l) => l.price !== "");
  return { markers, levels };
}
