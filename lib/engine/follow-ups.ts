import "server-only";
import Decimal from "decimal.js";
import { getDb } from "@/db/client";
import { getUserStrategy } from "@/db/queries/strategies";
import { orders, type OrderRow } from "@/db/schema";
import { mayTrade } from "./may-trade";
import { checkOrder, deterministicClientOrderId, floorToStep, roundPrice, type ExchangeClient, type ExchangeOrder } from "@/lib/exchanges";

/**
 * After an entry fills: a take-profit limit on the exchange and a stop-loss kept by us (sent as a market
 * order by the order monitor when the price crosses it); whichever fills first cancels the other.
 */
export async function placeFollowUps(entry: OrderRow, filled: ExchangeOrder, heldAmount: string, client: ExchangeClient) {
  const strategy = await getUserStrategy(entry.userId, entry.strategyId!);
  if (!strategy || (!strategy.takeProfitPct && !strategy.stopLossPct) || !filled.average) return;
  if (!(await mayTrade(entry.userId, entry.accountId))) return;
  const market = await client.market(entry.symbol);
  const amount = floorToStep(heldAmount, market.amountStep);
  const db = await getDb();
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
    const trigger = roundPrice(new Decimal(filled.average).mul(Decimal.sub(1, new Decimal(strategy.stopLossPct).div(100))), market.priceStep, "sell");
    await db
      .insert(orders)
      .values({ ...base, leg: "sl", type: "stop", triggerPrice: trigger, clientOrderId: deterministicClientOrderId(entry.eventId!, entry.strategyId!, "sl"), status: "open" })
      .onConflictDoNothing();
  }
  if (strategy.takeProfitPct) {
    const price = roundPrice(new Decimal(filled.average).mul(Decimal.add(1, new Decimal(strategy.takeProfitPct).div(100))), market.priceStep, "sell");
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
