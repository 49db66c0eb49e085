import "server-only";
import Decimal from "decimal.js";
import { and, eq, inArray, ne, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { recordExchangeResult } from "@/db/queries/orders";
import { orders, type OrderRow } from "@/db/schema";
import { clientForAccount, floorToStep, type ExchangeClient } from "@/lib/exchanges";
import { sendRow, settle } from "./execute";
import { mayTrade } from "./may-trade";
import { positionOf } from "./positions";
import { throttled } from "./throttle";
import { describeError } from "@/lib/log";

const GIVE_UP_MS = 2 * 60 * 1000;

/** Cancels the other exit of the same entry; answers true when that one had already filled. */
async function cancelSibling(row: OrderRow, client: ExchangeClient): Promise<boolean> {
  if (!row.strategyId || !row.eventId || (row.leg !== "tp" && row.leg !== "sl")) return false;
  const db = await getDb();
  const [sibling] = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.strategyId, row.strategyId),
        eq(orders.eventId, row.eventId),
        eq(orders.leg, row.leg === "tp" ? "sl" : "tp"),
        inArray(orders.status, ["open", "partially_filled", "sending", "unknown"]),
      ),
    );
  if (!sibling) return false;
  if (sibling.type === "stop" || !sibling.exchangeOrderId) {
    await recordExchangeResult(sibling.id, { status: "canceled" });
    return false;
  }
  const canceled = await throttled(client, () => client.cancelOrder(sibling.exchangeOrderId!, sibling.symbol)).catch(() => null);
  const final = canceled ?? (await client.findOrderByClientId(sibling.clientOrderId, sibling.symbol).catch(() => null));
  if (final) await settle(sibling, final, client);
  return final?.status === "filled";
}

async function syncRow(row: OrderRow, client: ExchangeClient, prices: Map<string, string | null>) {
  if (row.type === "stop") {
    // A kill switch stops new orders at once, protective exits included.
    if (!(await mayTrade(row.userId, row.accountId))) return;
    if (!prices.has(row.symbol)) prices.set(row.symbol, await throttled(client, () => client.ticker(row.symbol)).then((t) => t.last, () => null));
    const price = prices.get(row.symbol);
    if (!price || !row.triggerPrice || new Decimal(price).gt(row.triggerPrice)) return;
    // The stop is crossed. The take-profit holds the coins on the exchange: cancel it first; if it has
    // filled meanwhile, there is nothing left to stop out.
    const db = await getDb();
    const siblingFilled = await cancelSibling(row, client);
    if (siblingFilled) {
      await recordExchangeResult(row.id, { status: "canceled" });
      return;
    }
    // Then it becomes a market sell, sent once under its own client order id, of no more than the strategy
    // still holds: the take-profit may have sold part before it was canceled, a sell signal the rest.
    const market = await client.market(row.symbol);
    const held = row.strategyId ? (await positionOf(row.strategyId)).amount : row.amount;
    const amount = floorToStep(Decimal.max(0, Decimal.min(row.amount, held)), market.amountStep);
    if (new Decimal(amount).lte(0)) {
      await recordExchangeResult(row.id, { status: "canceled", error: { code: "no_position", message: "nothing left to stop out" } });
      return;
    }
    const [armed] = await db
      .update(orders)
      .set({ type: "market", status: "sending", amount, updatedAt: new Date() })
      .where(and(eq(orders.id, row.id), eq(orders.type, "stop"), eq(orders.status, "open")))
      .returning();
    if (!armed) return;
    await sendRow(armed, client, { lookFirst: true, referencePrice: price });
    return;
  }
  const found = await throttled(client, () => client.findOrderByClientId(row.clientOrderId, row.symbol));
  if (found) {
    await settle(row, found, client);
    if (found.status === "filled") await cancelSibling(row, client);
  } else if ((row.status === "unknown" || row.status === "sending") && Date.now() - row.updatedAt.getTime() > GIVE_UP_MS) {
    await recordExchangeResult(row.id, { status: "rejected", error: { code: "not_placed", message: "the exchange has no such order" } });
  }
}

/**
 * The order monitor: polls every order that may still change, books fills into positions, places
 * take-profit/stop-loss after an entry fills, fires crossed stops and cancels the sibling of a filled exit.
 */
export async function syncOrders({ budgetMs = 25_000 }: { budgetMs?: number } = {}) {
  const db = await getDb();
  const deadline = Date.now() + budgetMs;
  const rows = await db
    .select()
    .from(orders)
    .where(
      or(
        inArray(orders.status, ["open", "partially_filled", "unknown"]),
        and(eq(orders.status, "sending"), sql`${orders.updatedAt} < now() - interval '30 seconds'`),
        // An order that ended with fills not booked yet (a crash between recording and booking, an answer
        // without an average price): canceled and expired ones too, or their partial fill is never booked.
        and(inArray(orders.status, ["filled", "canceled", "expired"]), ne(orders.filled, orders.appliedFilled)),
      ),
    )
    .orderBy(orders.accountId, orders.createdAt)
    .limit(500);
  const byAccount = new Map<string, OrderRow[]>();
  for (const row of rows) byAccount.set(row.accountId, [...(byAccount.get(row.accountId) ?? []), row]);
  let checked = 0;
  for (const list of byAccount.values()) {
    if (Date.now() > deadline) break;
    const account = await getAccountForTrading(list[0]!.userId, list[0]!.accountId);
    if (!account) continue;
    const client = await clientForAccount(account).catch(() => null);
    if (!client) continue;
    const prices = new Map<string, string | null>();
    for (const row of list) {
      if (Date.now() > deadline) break;
      try {
        await syncRow(row, client, prices);
        checked += 1;
      } catch (error) {
        console.warn(`Order ${row.id} could not be synced:`, describeError(error));
      }
    }
  }
  return { processed: checked };
}
