import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { exchangeAccounts, users } from "@/db/schema";

/**
 * The user's own switches every order obeys at the last moment, manual ones included: the big switch,
 * the user and the account. Answers why the order may not go, or null. A buy is an entry; a sell only reduces, so it passes a switch that pauses
 * entries (the strategy and symbol switches are checked by the engine's gate for strategy orders).
 */
export async function tradeBlock(userId: string, accountId: string, side: "buy" | "sell"): Promise<string | null> {
  const db = await getDb();
  const [row] = await db
    .select({ trading: users.tradingEnabled, keepsExits: users.tradingKeepsExits, disabled: users.disabled, role: users.role, active: exchangeAccounts.active })
    .from(users)
    .innerJoin(exchangeAccounts, and(eq(exchangeAccounts.userId, users.id), eq(exchangeAccounts.id, accountId)))
    .where(eq(users.id, userId));
  if (!row || row.disabled || row.role < 2) return "not_trader";
  if (!row.active) return "account_off";
  if (row.trading || (side === "sell" && row.keepsExits)) return null;
  return row.keepsExits ? "trading_paused" : "trading_off";
}
