import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { getDb, type Database } from "../client";
import { exchangeAccounts, type ExchangeAccount } from "../schema";

/** What pages and APIs may see of an account: never the ciphertexts. */
export const publicAccountColumns = {
  id: exchangeAccounts.id,
  exchange: exchangeAccounts.exchange,
  label: exchangeAccounts.label,
  spot: exchangeAccounts.spot,
  futures: exchangeAccounts.futures,
  sandbox: exchangeAccounts.sandbox,
  keyHint: exchangeAccounts.keyHint,
  withdrawalsEnabled: exchangeAccounts.withdrawalsEnabled,
  paperFeeRate: exchangeAccounts.paperFeeRate,
  paperSlippageBps: exchangeAccounts.paperSlippageBps,
  active: exchangeAccounts.active,
  lastCheckedAt: exchangeAccounts.lastCheckedAt,
  createdAt: exchangeAccounts.createdAt,
};

export type PublicAccount = Pick<ExchangeAccount, keyof typeof publicAccountColumns>;

export async function listAccounts(userId: string): Promise<PublicAccount[]> {
  const db = await getDb();
  return db
    .select(publicAccountColumns)
    .from(exchangeAccounts)
    .where(eq(exchangeAccounts.userId, userId))
    .orderBy(asc(exchangeAccounts.createdAt));
}

export async function getAccount(userId: string, accountId: string): Promise<PublicAccount | undefined> {
  const db = await getDb();
  const [row] = await db
    .select(publicAccountColumns)
    .from(exchangeAccounts)
    .where(and(eq(exchangeAccounts.userId, userId), eq(exchangeAccounts.id, accountId)));
  return row;
}

/** The full row, ciphertexts included: only for server code about to call the exchange. */
export async function getAccountForTrading(userId: string, accountId: string): Promise<ExchangeAccount | undefined> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(exchangeAccounts)
    .where(and(eq(exchangeAccounts.userId, userId), eq(exchangeAccounts.id, accountId)));
  return row;
}

export async function insertAccount(values: typeof exchangeAccounts.$inferInsert, executor?: Database) {
  const db = executor ?? (await getDb());
  const [row] = await db.insert(exchangeAccounts).values(values).returning(publicAccountColumns);
  return row!;
}

export async function deleteAccount(userId: string, accountId: string) {
  const db = await getDb();
  const rows = await db
    .delete(exchangeAccounts)
    .where(and(eq(exchangeAccounts.userId, userId), eq(exchangeAccounts.id, accountId)))
    .returning({ id: exchangeAccounts.id, label: exchangeAccounts.label });
  return rows[0];
}

/** After a key check: when it was made, and what the venue said about withdrawals (kept when it did not say). */
export async function recordKeyCheck({ userId, accountId, withdrawalsEnabled }: { userId: string; accountId: string; withdrawalsEnabled: boolean | null }) {
  const db = await getDb();
  await db
    .update(exchangeAccounts)
    .set({ lastCheckedAt: new Date(), ...(withdrawalsEnabled === null ? {} : { withdrawalsEnabled }) })
    .where(and(eq(exchangeAccounts.userId, userId), eq(exchangeAccounts.id, accountId)));
}
