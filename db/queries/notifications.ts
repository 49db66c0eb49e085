import "server-only";
import { and, count, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "../client";
import { getDb } from "../client";
import {
  exchangeAccounts,
  fills,
  notificationEvents,
  notificationSettings,
  positionMismatches,
  type NotificationMatrix,
  type NotificationPayload,
} from "../schema";

/** The database or the transaction of the change that emits. */
export type DbTx = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

type ChannelName = "email" | "telegram" | "inapp";

/** How one channel is chosen: the user's setting for the event type, else `fallback`; `locked` is always on. */
export interface ChannelRule {
  channel: ChannelName;
  fallback: boolean;
  locked: boolean;
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as T[];
}

/** Postgres text and jsonb cannot hold NUL: a stray one must not make the statement (and its transaction) fail. */
function clean(payload: NotificationPayload): string {
  return JSON.stringify(payload, (_k, v: unknown) => (typeof v === "string" ? v.replaceAll("\u0000", "") : v));
}

/**
 * Writes one event (once per dedupe key) and an item for each external channel it should reach, in ONE
 * statement: the user's settings choose the channels (`rules`), `names` puts the account's label and the
 * strategy's name into the payload from their tables, and nothing is written when no channel would show
 * it. The rows come from the user's own row and every value is bound, so only a duplicate stops it (ON
 * CONFLICT): no savepoint is needed around it. Answers the event id, or null when nothing was written.
 */
export async function insertNotificationEvent(
  tx: DbTx,
  event: {
    userId: string;
    type: string;
    dedupeKey: string;
    payload: NotificationPayload;
    rules: ChannelRule[];
    names?: { accountId?: string | null; strategyId?: string | null };
  },
): Promise<string | null> {
  const rules = sql.join(
    event.rules.map((r) => sql`(${r.channel}::text, ${r.fallback}::boolean, ${r.locked}::boolean)`),
    sql`, `,
  );
  const named: SQL[] = [];
  if (event.names && "accountId" in event.names) {
    named.push(sql`'account', (select a.label from exchange_accounts a where a.id = ${event.names.accountId ?? null}::uuid and a.user_id = ${event.userId}::uuid)`);
  }
  if (event.names && "strategyId" in event.names) {
    named.push(sql`'strategy', (select st.name from strategies st where st.id = ${event.names.strategyId ?? null}::uuid and st.user_id = ${event.userId}::uuid)`);
  }
  const payload = named.length > 0 ? sql`${clean(event.payload)}::jsonb || jsonb_build_object(${sql.join(named, sql`, `)})` : sql`${clean(event.payload)}::jsonb`;
  const result = await tx.execute(sql`
    with cell as (
      select s.matrix -> ${event.type}::text as m from notification_settings s where s.user_id = ${event.userId}::uuid
    ),
    chosen as (
      select r.channel,
        r.locked or coalesce(
          case when jsonb_typeof((select m from cell) -> r.channel) = 'boolean' then ((select m from cell) ->> r.channel)::boolean end,
          r.fallback
        ) as enabled
      from (values ${rules}) as r(channel, fallback, locked)
    ),
    ev as (
      insert into notification_events (user_id, type, payload, dedupe_key, inapp)
      select u.id, ${event.type}::text, ${payload}, ${event.dedupeKey}::text,
        coalesce((select c.enabled from chosen c where c.channel = 'inapp'), false)
      from users u
      where u.id = ${event.userId}::uuid and exists (select 1 from chosen c where c.enabled)
      on conflict (dedupe_key) do nothing
      returning id
    ),
    items as (
      insert into notification_items (event_id, channel, user_id)
      select ev.id, c.channel, ${event.userId}::uuid from ev, chosen c where c.enabled and c.channel <> 'inapp'
    )
    select id from ev
  `);
  return rowsOf<{ id: string }>(result)[0]?.id ?? null;
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
export async function realizedPnlBetween({ from, to }: { from: Date; to: Date }) {
  const db = await getDb();
  return db
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
