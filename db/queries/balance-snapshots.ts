import "server-only";
import { and, eq, lt } from "drizzle-orm";
import { getDb } from "../client";
import { accountBalanceSnapshots, exchangeAccounts, type AccountBalanceSnapshot } from "../schema";

export type BalanceSnapshot = Pick<AccountBalanceSnapshot, "accountId" | "quoteAsset" | "quoteTotal" | "otherAssets" | "takenAt">;

const columns = {
  accountId: accountBalanceSnapshots.accountId,
  quoteAsset: accountBalanceSnapshots.quoteAsset,
  quoteTotal: accountBalanceSnapshots.quoteTotal,
  otherAssets: accountBalanceSnapshots.otherAssets,
  takenAt: accountBalanceSnapshots.takenAt,
};

export async function listBalanceSnapshots({ userId }: { userId: string }): Promise<BalanceSnapshot[]> {
  const db = await getDb();
  return db.select(columns).from(accountBalanceSnapshots).where(eq(accountBalanceSnapshots.userId, userId));
}

export async function getBalanceSnapshot({ userId, accountId }: { userId: string; accountId: string }): Promise<BalanceSnapshot | undefined> {
  const db = await getDb();
  const [row] = await db
    .select(columns)
    .from(accountBalanceSnapshots)
    .where(and(eq(accountBalanceSnapshots.userId, userId), eq(accountBalanceSnapshots.accountId, accountId)));
  return row;
}

/** Stores the newest read; only for an account of this user (a foreign account id writes nothing). */
export async function saveBalanceSnapshot(values: { userId: string; accountId: string; quoteAsset: string; quoteTotal: string; otherAssets: number; takenAt: Date }) {
  const db = await getDb();
  const [owned] = await db
    .select({ id: exchangeAccounts.id })
    .from(exchangeAccounts)
    .where(and(eq(exchangeAccounts.id, values.accountId), eq(exchangeAccounts.userId, values.userId)));
  if (!owned) return;
  const { userId: _userId, accountId: _accountId, ...update } = values;
  await db
    .insert(accountBalanceSnapshots)
    .values(values)
    .onConflictDoUpdate({
      target: accountBalanceSnapshots.accountId,
      set: update,
      // Two reads finishing out of order: the older one does not overwrite the newer.
      setWhere: and(eq(accountBalanceSnapshots.userId, values.userId), lt(accountBalanceSnapshots.takenAt, values.takenAt)),
    });
}

