import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { strategiesForEvent } from "@/db/queries/strategies";
import { exchangeAccounts, strategies, users } from "@/db/schema";
import { switchGate } from "./plan";

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

/**
 * Why a strategy may not place an entry (or an exit) now, from every switch it depends on (user,
 * symbol, strategy, account), or null. For orders a worker other than the drain sends (the monitor
 * re-sending an order proven never placed, protection).
 */
export async function strategyBlock(strategyId: string, kind: "entry" | "exit"): Promise<string | null> {
  const db = await getDb();
  const [strategy] = await db.select().from(strategies).where(eq(strategies.id, strategyId));
  if (!strategy) return "strategy_off";
  const [switches] = await strategiesForEvent(strategy.signalId, strategy.symbol, strategy.id);
  return switches ? switchGate({ ...switches, strategyEnabled: strategy.enabled, strategyKeepsExits: strategy.keepsExits }, kind) : "strategy_off";
}
