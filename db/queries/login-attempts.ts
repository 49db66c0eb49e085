import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { users } from "../schema";

/** `lock` is the lock this attempt set, as the database wrote it (exact to the microsecond), or null. */
export type AttemptReservation = { lockedNow: boolean; lockedUntil: Date | null; lock: string | null };

/**
 * Counts an attempt before its password or code is checked, in one conditional UPDATE: refused (null)
 * while the account is locked, and the attempt that reaches the threshold locks it. Concurrent attempts
 * queue on the row, so no more than `threshold` of them are ever evaluated.
 */
export async function reserveLoginAttempt(userId: string, threshold: number, minutes: number): Promise<AttemptReservation | null> {
  const db = await getDb();
  const reached = sql`${users.failedLogins} + 1 >= ${threshold}`;
  const [row] = await db
    .update(users)
    .set({
      failedLogins: sql`case when ${reached} then 0 else ${users.failedLogins} + 1 end`,
      lockedUntil: sql`case when ${reached} then now() + ${`${minutes} minutes`}::interval else null end`,
    })
    .where(and(eq(users.id, userId), sql`(${users.lockedUntil} is null or ${users.lockedUntil} <= now())`))
    .returning({ lockedUntil: users.lockedUntil, lock: sql<string | null>`${users.lockedUntil}::text` });
  if (!row) return null;
  return { lockedNow: row.lockedUntil !== null, lockedUntil: row.lockedUntil, lock: row.lock };
}

/** A successful attempt: the count starts again, and a lock this very attempt set is lifted. */
export async function settleLoginSuccess(userId: string, reservation: AttemptReservation) {
  const db = await getDb();
  const ownLock = reservation.lock ? sql`${users.lockedUntil} = ${reservation.lock}::timestamptz` : sql`false`;
  await db
    .update(users)
    .set({
      failedLogins: 0,
      lockedUntil: sql`case when ${ownLock} then null else ${users.lockedUntil} end`,
    })
    .where(eq(users.id, userId));
}

/**
 * An attempt that was neither right nor wrong (the password was right, the code is still to come):
 * its count is given back, and a lock it set is lifted with the count just below the threshold.
 */
export async function releaseLoginAttempt(userId: string, reservation: AttemptReservation, threshold: number) {
  const db = await getDb();
  if (reservation.lock) {
    await db
      .update(users)
      .set({ lockedUntil: null, failedLogins: Math.max(threshold - 1, 0) })
      .where(and(eq(users.id, userId), sql`${users.lockedUntil} = ${reservation.lock}::timestamptz`));
    return;
  }
  await db
    .update(users)
    .set({ failedLogins: sql`greatest(${users.failedLogins} - 1, 0)` })
    .where(eq(users.id, userId));
}

/** The password hash of one user, for re-proving a password while signed in. */
export async function findPasswordHash(userId: string): Promise<string | null> {
  const db = await getDb();
  const [row] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.hash ?? null;
}
