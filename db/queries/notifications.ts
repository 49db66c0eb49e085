import "server-only";
import { and, count, desc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "../client";
import { getDb } from "../client";
import {
  exchangeAccounts,
  fills,
  notificationEvents,
  notificationItems,
  notificationSettings,
  positionMismatches,
  type NotificationMatrix,
  type NotificationPayload,
} from "../schema";

/** The database or the transaction of the change that emits. */
export type DbTx = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Writes one event (once per dedupe key) and an item for each external channel it should reach.
 * Answers the event id, or null when this change was already recorded.
 */
export async function insertNotificationEvent(
  tx: DbTx,
  event: { userId: string; type: string; dedupeKey: string; payload: NotificationPayload; inapp: boolean; channels: Array<"email" | "telegram"> },
): Promise<string | null> {
  const [row] = await tx
    .insert(notificationEvents)
    .values({ userId: event.userId, type: event.type, dedupeKey: event.dedupeKey, payload: event.payload, inapp: event.inapp })
    .onConflictDoNothing({ target: notificationEvents.dedupeKey })
    .returning({ id: notificationEvents.id });
  if (!row) return null;
  if (event.channels.length > 0) {
    await tx.insert(notificationItems).values(event.channels.map((channel) => ({ eventId: row.id, channel, userId: event.userId })));
  }
  return row.id;
}

export async function getNotificationSettings(tx: DbTx | null, userId: string) {
  const db = tx ?? (await getDb());
  const [row] = await db.select().from(notificationSettings).where(eq(notificationSettings.userId, userId));
  return row ?? null;
}

export async function saveNotificationSettings(values: {
  userId: string;
  matrix: NotificationMatrix;
  quietStart: string | null;
  quietEnd: string | null;
  timeZone: string;
}) {
  const db = await getDb();
  const set = { matrix: values.matrix, quietStart: values.quietStart, quietEnd: values.quietEnd, timeZone: values.timeZone, updatedAt: new Date() };
  await db
    .insert(notificationSettings)
    .values({ userId: values.userId, ...set })
    .onConflictDoUpdate({ target: notificationSettings.userId, set });
}

/** The bell: a user's latest in-app events and how many are unread. */
export async function listInAppNotifications({ userId, limit = 20 }: { userId: string; limit?: number }) {
  const db = await getDb();
  const mine = and(eq(notificationEvents.userId, userId), eq(notificationEvents.inapp, true));
  const [rows, [unread]] = await Promise.all([
    db
      .select({
        id: notificationEvents.id,
        type: notificationEvents.type,
        payload: notificationEvents.payload,
        readAt: notificationEvents.readAt,
        createdAt: notificationEvents.createdAt,
      })
      .from(notificationEvents)
      .where(mine)
      .orderBy(desc(notificationEvents.createdAt))
      .limit(Math.min(Math.max(1, limit), 100)),
    db.select({ n: count() }).from(notificationEvents).where(and(mine, isNull(notificationEvents.readAt))),
  ]);
  return { rows, unread: unread?.n ?? 0 };
}

export async function countUnreadNotifications(userId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db
    .select({ n: count() })
    .from(notificationEvents)
    .where(and(eq(notificationEvents.userId, userId), eq(notificationEvents.inapp, true), isNull(notificationEvents.readAt)));
  return row?.n ?? 0;
}

/** Marks the given events (or all) of this user read. */
export async function markNotificationsRead({ userId, ids }: { userId: string; ids?: string[] }) {
  const db = await getDb();
  const where = [eq(notificationEvents.userId, userId), isNull(notificationEvents.readAt)];
  if (ids) {
    if (ids.length === 0) return;
    where.push(inArray(notificationEvents.id, ids));
  }
  await db.update(notificationEvents).set({ readAt: sql`now()` }).where(and(...where));
}

/** An account's open position findings (what reconciliation reports). */
export async function openMismatchesOf(tx: DbTx, accountId: string) {
  return tx
    .select({ id: positionMismatches.id, userId: positionMismatches.userId, asset: positionMismatches.asset, kind: positionMismatches.kind, difference: positionMismatches.difference })
    .from(positionMismatches)
    .where(and(eq(positionMismatches.accountId, accountId), isNull(positionMismatches.resolvedAt)));
}

/** The users with fills in [from, to): their FIFO figures are brought up to date before a summary. */
export async function usersWithFillsBetween({ from, to }: { from: Date; to: Date }): Promise<string[]> {
  const db = await getDb();
  const rows = await db.selectDistinct({ userId: fills.userId }).from(fills).where(and(gte(fills.at, from), lt(fills.at, to)));
  return rows.map((r) => r.userId);
}

/**
 * Realised P&L per account and symbol in [from, to), with the account's user and label: the fill
 * ledger's stored FIFO figures, the same source as the overview and the Statistics page.
 */
export async function realizedPnlBetween(tx: DbTx, { from, to }: { from: Date; to: Date }) {
  return tx
    .select({
      userId: fills.userId,
      accountId: fills.accountId,
      account: exchangeAccounts.label,
      symbol: fills.symbol,
      pnl: sql<string>`sum(${fills.realizedPnl})::text`,
    })
    .from(fills)
    .innerJoin(exchangeAccounts, eq(exchangeAccounts.id, fills.accountId))
    .where(and(gte(fills.at, from), lt(fills.at, to), eq(fills.fifoBooked, true), sql`${fills.realizedPnl} is not null`))
    .groupBy(fills.userId, fills.accountId, exchangeAccounts.label, fills.symbol);
}
