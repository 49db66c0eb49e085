import "server-only";
import { and, asc, eq, lt, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { fills } from "../schema";

/**
 * The user's fill ledger in the order the fills happened, optionally narrowed to an account, a strategy
 * or a symbol and to fills before `until`. FIFO figures need every fill from the first one: a lot sold in
 * a period may have been bought before it.
 */
export async function listFills({
  userId,
  accountId,
  strategyId,
  symbol,
  until,
}: {
  userId: string;
  accountId?: string;
  strategyId?: string;
  symbol?: string;
  until?: Date;
}) {
  const db = await getDb();
  const where: SQL[] = [eq(fills.userId, userId)];
  if (accountId) where.push(eq(fills.accountId, accountId));
  if (strategyId) where.push(eq(fills.strategyId, strategyId));
  if (symbol) where.push(eq(fills.symbol, symbol));
  if (until) where.push(lt(fills.at, until));
  return db
    .select()
    .from(fills)
    .where(and(...where))
    .orderBy(asc(fills.at), asc(fills.id));
}
