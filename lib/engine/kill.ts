import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { orders, type OrderRow } from "@/db/schema";
import { clientForAccount } from "@/lib/exchanges";
import { cancelRow } from "./lifecycle";

/** With the big switch off, optionally: cancel every open order we placed for the user. */
export async function cancelAllOpenOrdersForUser(userId: string) {
  const db = await getDb();
  const open = await db
    .select()
    .from(orders)
    .where(and(eq(orders.userId, userId), inArray(orders.status, ["open", "partially_filled", "retry"])));
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
