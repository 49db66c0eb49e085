import "server-only";
import Decimal from "decimal.js";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getUserStrategy } from "@/db/queries/strategies";
import { orders, type OrderRow } from "@/db/schema";
import { mayTrade } from "./may-trade";
import { positionOf } from "./positions";
import { checkOrder, deterministicClientOrderId, floorToStep, roundPrice, type ExchangeClient, type ExchangeOrder } from "@/lib/exchanges";

const DONE: string[] = ["filled", "canceled", "expired"];

/** True once an entry can fill no more: fully filled, or ended by the exchange with what it had filled. */
export function entryDone(order: ExchangeOrder): boolean {
  return DONE.includes(order.status);
}

/**
 * The exits of an entry, sized from what it has actually filled and booked (after fees taken in the base
 * asset), never more than the strategy holds:
 * - the stop-loss is our own row (sent as a market order by the order monitor when the price crosses it),
 *   so it is written at the entry's first fill and resized as later fills are booked: every part held is
 *   protected at once. When it fires it sells at most what the strategy still holds (see sync.ts).
 * - the take-profit is a limit order resting on the exchange and holding the coins there; resizing it
 *   would mean cancel-and-replace racing its own fills, so it is placed once, when the entry is done
 *   (filled, or canceled/expired after a partial fill), for the whole amount.
 * Whichever exit fills first cancels the other. Safe to call again: each step is idempotent.
 */
export async function placeFollowUps(entry: OrderRow, order: ExchangeOrder, client: ExchangeClient) {
  const strategy = await getUserStrategy(entry.userId, entry.strategyId!);
  if (!strategy || (!strategy.takeProfitPct && !strategy.stopLossPct)) return;
  const db = await getDb();
  const [booked] = await db.select().from(orders).where(eq(orders.id, entry.id));
  const average = booked?.average ?? order.average;
  if (!booked || !average || new Decimal(booked.appliedFilled).lte(0)) return;
  if (!(await mayTrade(entry.userId, entry.accountId))) return;
  const market = await client.market(entry.symbol);

  // What this entry added to the position: its booked fill less the share of a fee taken in the base asset.
  const applied = new Decimal(booked.appliedFilled);
  const feeInBase = booked.feeCurrency === market.base && booked.fee && new Decimal(booked.filled).gt(0);
  const fromEntry = feeInBase ? applied.sub(new Decimal(booked.fee!).mul(applied).div(booked.filled)) : applied;
  const position = await positionOf(entry.strategyId!);
  const amount = floorToStep(Decimal.max(0, Decimal.min(fromEntry, position.amount)), market.amountStep);
  if (new Decimal(amount).lte(0)) return;

  const base = {
    userId: entry.userId,
    accountId: entry.accountId,
    source: entry.source,
    strategyId: entry.strategyId,
    eventId: entry.eventId,
    parentOrderId: entry.id,
    symbol: entry.symbol,
    side: "sell",
    amount,
  };
  if (strategy.stopLossPct) {
    const trigger = roundPrice(new Decimal(average).mul(Decimal.sub(1, new Decimal(strategy.stopLossPct).div(100))), market.priceStep, "sell");
    const [created] = await db
      .insert(orders)
      .values({ ...base, leg: "sl", type: "stop", triggerPrice: trigger, clientOrderId: deterministicClientOrderId(entry.eventId!, entry.strategyId!, "sl"), status: "open" })
      .onConflictDoNothing()
      .returning({ id: orders.id });
    if (!created) {
      // Only a stop still waiting follows the entry; one that has fired or been canceled stays as it is.
      await db
        .update(orders)
        .set({ amount, triggerPrice: trigger, updatedAt: new Date() })
        .where(
          and(
            eq(orders.strategyId, entry.strategyId!),
            eq(orders.eventId, entry.eventId!),
            eq(orders.leg, "sl"),
            eq(orders.type, "stop"),
            eq(orders.status, "open"),
          ),
        );
    }
  }
  if (strategy.takeProfitPct && entryDone(order)) {
    const price = roundPrice(new Decimal(average).mul(Decimal.add(1, new Decimal(strategy.takeProfitPct).div(100))), market.priceStep, "sell");
    if (!checkOrder(market, { side: "sell", type: "limit", amount, price }).ok) return;
    const [row] = await db
      .insert(orders)
      .values({ ...base, leg: "tp", type: "limit", price, clientOrderId: deterministicClientOrderId(entry.eventId!, entry.strategyId!, "tp"), status: "sending" })
      .onConflictDoNothing()
      .returning();
    if (row) {
      const { sendRow } = await import("./execute");
      await sendRow(row, client, { lookFirst: false });
    }
  }
}
