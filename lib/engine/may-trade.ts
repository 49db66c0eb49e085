import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { exchangeAccounts, users } from "@/db/schema";

/** The switches every new order obeys, exits included: the user's big switch, the user and the account. */
export async function mayTrade(userId: string, accountId: string): Promise<boolean> {
  const db = await getDb();
  const [row] = await db
    .select({ trading: users.tradingEnabled, disabled: users.disabled, role: users.role, active: exchangeAccounts.active })
    .from(users)
    .innerJoin(exchangeAccounts, and(eq(exchangeAccounts.userId, users.id), eq(exchangeAccounts.id, accountId)))
    .where(eq(users.id, userId));
  return Boolean(row && row.trading && !row.disabled && row.role >= 2 && row.active);
}
