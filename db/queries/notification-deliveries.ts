import "server-only";
import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { getDb } from "../client";
import { notificationDeliveries, notificationEvents, notificationItems, notificationSettings, users, type NotificationDeliveryRow } from "../schema";

type Channel = "email" | "telegram";

/** (user, channel) pairs whose oldest ungrouped item is at least `before`. */
export async function dueGroups({ before, limit }: { before: Date; limit: number }) {
  const db = await getDb();
  return db
    .select({ userId: notificationItems.userId, channel: notificationItems.channel })
    .from(notificationItems)
    .where(isNull(notificationItems.deliveryId))
    .groupBy(notificationItems.userId, notificationItems.channel)
    .having(sql`min(${notificationItems.createdAt}) <= ${before.toISOString()}::timestamptz`)
    .limit(limit);
}

/**
 * Gathers a user's ungrouped items of one channel into one delivery. Items another drain holds are
 * skipped; the group key is the first event's id, so the group is created once.
 */
export async function createGroup(opts: {
  userId: string;
  channel: Channel;
  nextAttemptAt: (items: Array<{ type: string }>, settings: typeof notificationSettings.$inferSelect | null) => Date;
}): Promise<string | null> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const items = await tx
      .select({ eventId: notificationItems.eventId, type: notificationEvents.type })
      .from(notificationItems)
      .innerJoin(notificationEvents, eq(notificationEvents.id, notificationItems.eventId))
      .where(and(eq(notificationItems.userId, opts.userId), eq(notificationItems.channel, opts.channel), isNull(notificationItems.deliveryId)))
      .orderBy(asc(notificationItems.createdAt), asc(notificationItems.eventId))
      .limit(200)
      .for("update", { of: notificationItems, skipLocked: true });
    if (items.length === 0) return null;
    const [settings] = await tx.select().from(notificationSettings).where(eq(notificationSettings.userId, opts.userId));
    const [delivery] = await tx
      .insert(notificationDeliveries)
      .values({
        userId: opts.userId,
        channel: opts.channel,
        groupKey: items[0]!.eventId,
        nextAttemptAt: opts.nextAttemptAt(items, settings ?? null),
      })
      .onConflictDoNothing({ target: [notificationDeliveries.groupKey, notificationDeliveries.channel] })
      .returning({ id: notificationDeliveries.id });
    if (!delivery) return null;
    await tx
      .update(notificationItems)
      .set({ deliveryId: delivery.id })
      .where(and(eq(notificationItems.channel, opts.channel), inArray(notificationItems.eventId, items.map((i) => i.eventId))));
    return delivery.id;
  });
}

/**
 * Claims due deliveries with a lease: pending or failed ones whose time has come, and ones left
 * `sending` past their lease by a drain that died (their outcome is unknown: sent again under the
 * same idempotency key).
 */
export async function claimDeliveries({ now, leaseMs, limit }: { now: Date; leaseMs: number; limit: number }): Promise<NotificationDeliveryRow[]> {
  const db = await getDb();
  const due = db
    .select({ id: notificationDeliveries.id })
    .from(notificationDeliveries)
    .where(
      or(
        and(inArray(notificationDeliveries.status, ["pending", "failed"]), lte(notificationDeliveries.nextAttemptAt, now)),
        and(eq(notificationDeliveries.status, "sending"), lte(notificationDeliveries.leaseUntil, now)),
      ),
    )
    .orderBy(asc(notificationDeliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(notificationDeliveries)
    .set({
      status: "sending",
      leaseUntil: new Date(now.getTime() + leaseMs),
      attempts: sql`${notificationDeliveries.attempts} + 1`,
      updatedAt: now,
    })
    .where(inArray(notificationDeliveries.id, due))
    .returning();
}

export async function deliveryContext(delivery: { id: string; userId: string }) {
  const db = await getDb();
  const [user] = await db
    .select({ email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(eq(users.id, delivery.userId));
  const events = await db
    .select({ id: notificationEvents.id, type: notificationEvents.type, payload: notificationEvents.payload, createdAt: notificationEvents.createdAt })
    .from(notificationItems)
    .innerJoin(notificationEvents, eq(notificationEvents.id, notificationItems.eventId))
    .where(eq(notificationItems.deliveryId, delivery.id))
    .orderBy(asc(notificationEvents.createdAt));
  return { user: user ?? null, events };
}

/** Settles a claimed delivery; a drain whose lease was taken over changes nothing. */
export async function settleDelivery(
  claimed: NotificationDeliveryRow,
  outcome:
    | { status: "sent"; providerId: string; at: Date }
    | { status: "skipped"; reason: string; at: Date }
    | { status: "failed" | "dead"; error: string; nextAttemptAt: Date; at: Date },
) {
  const db = await getDb();
  const set =
    outcome.status === "sent"
      ? { status: "sent" as const, sentAt: outcome.at, providerId: outcome.providerId, lastError: null }
      : outcome.status === "skipped"
        ? { status: "skipped" as const, lastError: outcome.reason }
        : { status: outcome.status, lastError: outcome.error, nextAttemptAt: outcome.nextAttemptAt };
  await db
    .update(notificationDeliveries)
    .set({ ...set, leaseUntil: null, updatedAt: outcome.at })
    .where(
      and(
        eq(notificationDeliveries.id, claimed.id),
        eq(notificationDeliveries.status, "sending"),
        claimed.leaseUntil ? eq(notificationDeliveries.leaseUntil, claimed.leaseUntil) : isNull(notificationDeliveries.leaseUntil),
      ),
    );
}
