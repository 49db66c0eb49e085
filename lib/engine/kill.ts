import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { orders, type OrderRow } from "@/db/schema";
import { clientForAccount } from "@/lib/exchanges";
import { cancelRow } from "./lifecycle";

/**
 * "Stop everything": cancels the open orders we placed for the user (or for one symbol or strategy of
 * theirs), protective ones included, through the one lifecycle (fills found on the way are booked).
 */
export async function cancelOpenOrders(userId: string, scope: { symbol?: string; strategyId?: string } = {}) {
  const db = await getDb();
  const open = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.userId, userId),
        inArray(orders.status, ["open", "partially_filled", "retry"]),
        scope.symbol ? eq(orders.symbol, scope.symbol) : undefined,
        scope.strategyId ? eq(orders.strategyId, scope.strategyId) : undefined,
      ),
    );
  const byAccount = new Map<string, OrderRow[]>();
  for (const o of open) byAccount.set(o.accountId, [...(byAccount.get(o.accountId) ?? []), o]);
  let canceled = 0;
  let failed = 0;
  for (const [accountId, list] of byAccount) {
    const account = await getAccountForTrading(userId, accountId);
    const client = account ? await clientForAccount(account).catch(() => null) : null;
    for (const o of list) {
      if ((await cancelRow(o, client)).done) canceled += 1;
      else failed += 1;
    }
  }
  return { canceled, failed };
}
