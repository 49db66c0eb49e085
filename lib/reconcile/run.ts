import "server-only";
import { and, eq, isNull, or, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getAccountForTrading } from "@/db/queries/exchange-accounts";
import { accountReconciliations, exchangeAccounts, positionMismatches, strategies } from "@/db/schema";
import { checkAccountOrders } from "@/lib/engine";
import { clientForAccount } from "@/lib/exchanges";
import { reconcileAccount } from "./account";
import { log } from "@/lib/logger";

const ACCOUNTS_PER_PASS = 100;

/**
 * The cron's reconciliation pass: every active account with strategies (or an open finding) that is due,
 * the one due longest first. Its orders are brought up to date first, so a fill the venue already shows
 * is booked before booked and held are compared.
 */
export async function reconcilePositions({ budgetMs = 25_000, accountsPerPass = ACCOUNTS_PER_PASS }: { budgetMs?: number; accountsPerPass?: number } = {}) {
  const db = await getDb();
  const deadline = Date.now() + budgetMs;
  const due = await db
    .select({ id: exchangeAccounts.id, userId: exchangeAccounts.userId })
    .from(exchangeAccounts)
    .leftJoin(accountReconciliations, eq(accountReconciliations.accountId, exchangeAccounts.id))
    .where(
      and(
        eq(exchangeAccounts.active, true),
        or(isNull(accountReconciliations.nextAt), sql`${accountReconciliations.nextAt} <= now()`),
        or(isNull(accountReconciliations.leaseUntil), sql`${accountReconciliations.leaseUntil} < now()`),
        or(
          sql`exists (select 1 from ${strategies} s where s.account_id = ${exchangeAccounts.id})`,
          sql`exists (select 1 from ${positionMismatches} m where m.account_id = ${exchangeAccounts.id} and m.resolved_at is null)`,
        ),
      ),
    )
    .orderBy(sql`${accountReconciliations.nextAt} asc nulls first`)
    .limit(accountsPerPass);
  let processed = 0;
  for (const { id, userId } of due) {
    if (Date.now() > deadline) break;
    try {
      const account = await getAccountForTrading(userId, id);
      if (!account) continue;
      const client = await clientForAccount(account);
      await checkAccountOrders(client, account.id);
      const result = await reconcileAccount(account, { client });
      if (result.outcome === "reconciled") processed += 1;
    } catch (error) {
      log({ accountId: id }).warn({ err: error }, "account could not be reconciled");
    }
  }
  return { processed };
}
