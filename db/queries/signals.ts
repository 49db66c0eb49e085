import "server-only";
import { asc, eq, sql } from "drizzle-orm";
import { getDb } from "../client";
import { signals, type SigningScheme } from "../schema";

/** What pages may see of a signal: never the secret's hash. */
const publicSignal = {
  id: signals.id,
  name: signals.name,
  description: signals.description,
  enabled: signals.enabled,
  secretHint: signals.secretHint,
  signingScheme: signals.signingScheme,
  createdAt: signals.createdAt,
  secretRotatedAt: signals.secretRotatedAt,
};

export async function listSignals() {
  const db = await getDb();
  return db.select(publicSignal).from(signals).orderBy(asc(signals.name));
}

export async function insertSignal(values: {
  name: string;
  description: string;
  secretHash: string;
  secretHint: string;
  signingKeyEnc: string;
  signingKeyVersion: number;
  signingScheme: SigningScheme;
  createdBy: string;
}) {
  const db = await getDb();
  const [row] = await db.insert(signals).values(values).onConflictDoNothing().returning(publicSignal);
  return row;
}

// Next.js may evaluate this module in several bundles: one count per server.
const globalForSignals = globalThis as unknown as { __sbSignalChanges?: number };

/**
 * How many times this process changed a signal (its secret, key or switch): the webhook's copy of a
 * signal read before the latest change is not used again.
 */
export const signalChanges = () => globalForSignals.__sbSignalChanges ?? 0;
const changed = () => {
  globalForSignals.__sbSignalChanges = signalChanges() + 1;
};

export async function updateSignal(
  id: string,
  values: Partial<{ enabled: boolean; secretHash: string; secretHint: string; signingKeyEnc: string; signingKeyVersion: number; signingScheme: SigningScheme; secretRotatedAt: Date }>,
) {
  const db = await getDb();
  changed();
  const [row] = await db.update(signals).set(values).where(eq(signals.id, id)).returning(publicSignal);
  changed();
  return row;
}

export const DELIVERY_OUTCOMES = ["accepted", "duplicate", "rejected"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** Deliveries of one kind less than this far apart (each from the previous one) are one row of the log. */
export const DELIVERY_GROUP_GAP_MS = 15 * 60_000;

export interface DeliveryGroup {
  /** The id of the group's newest delivery: the cursor of the page that ends with it. */
  lastId: string;
  signalName: string;
  outcome: string;
  /** The newest delivery's reason (its figures may differ from the older ones'). */
  reason: string | null;
  action: string | null;
  symbol: string | null;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

export interface DeliveryGroupQuery {
  signalName?: string;
  outcome?: DeliveryOutcome;
  since?: Date;
  /** Groups older than the group ending at this delivery id (the next page), or newer (the previous one). */
  before?: string;
  after?: string;
  limit: number;
}

/**
 * The admin delivery log, repeats folded: deliveries of one signal with the same outcome, action, symbol
 * and reason (figures in it ignored, so "retry after 12 s" and "after 40 s" fold) form one group while
 * each follows the previous one within DELIVERY_GROUP_GAP_MS. Filters apply before grouping. Groups come
 * newest first by their newest delivery, keyset-paged on it, in one statement.
 */
export async function listDeliveryGroups(query: DeliveryGroupQuery): Promise<{ rows: DeliveryGroup[]; hasOlder: boolean; hasNewer: boolean }> {
  const db = await getDb();
  const filters = [sql`true`];
  if (query.signalName !== undefined) filters.push(sql`d.signal_id = (select id from signals where name = ${query.signalName})`);
  if (query.outcome) filters.push(sql`d.outcome = ${query.outcome}`);
  if (query.since) filters.push(sql`d.received_at >= ${query.since.toISOString()}::timestamptz`);
  const newerFirst = query.after === undefined;
  const cursor = query.after ?? query.before;
  const page = cursor === undefined
    ? sql`true`
    : sql`(g.last_at, g.last_id) ${newerFirst ? sql`<` : sql`>`} (select c.received_at, c.id from signal_deliveries c where c.id = ${cursor}::bigint)`;
  const order = newerFirst ? sql`g.last_at desc, g.last_id desc` : sql`g.last_at asc, g.last_id asc`;

  const result: unknown = await db.execute(sql`
    with filtered as (
      select d.id, d.signal_id, d.outcome, d.reason, d.action, d.symbol, d.received_at,
        regexp_replace(coalesce(d.reason, ''), '[0-9]+', '#', 'g') as reason_key
      from signal_deliveries d
      where ${sql.join(filters, sql` and `)}
    ),
    marked as (
      select f.*,
        case when f.received_at - lag(f.received_at) over w <= ${DELIVERY_GROUP_GAP_MS}::int * interval '1 millisecond'
          then 0 else 1 end as starts
      from filtered f
      window w as (partition by f.signal_id, f.outcome, f.action, f.symbol, f.reason_key order by f.received_at, f.id)
    ),
    numbered as (
      select m.*, sum(m.starts) over (
        partition by m.signal_id, m.outcome, m.action, m.symbol, m.reason_key order by m.received_at, m.id rows unbounded preceding
      ) as grp
      from marked m
    ),
    g as (
      select n.signal_id, n.outcome, n.action, n.symbol,
        count(*)::int as count,
        min(n.received_at) as first_at,
        max(n.received_at) as last_at,
        (array_agg(n.id order by n.received_at desc, n.id desc))[1] as last_id,
        (array_agg(n.reason order by n.received_at desc, n.id desc))[1] as reason
      from numbered n
      group by n.signal_id, n.outcome, n.action, n.symbol, n.reason_key, n.grp
    )
    select g.last_id::text as "lastId", s.name as "signalName", g.outcome, g.reason, g.action, g.symbol, g.count,
      to_char(g.first_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "firstAt",
      to_char(g.last_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "lastAt"
    from g join signals s on s.id = g.signal_id
    where ${page}
    order by ${order}
    limit ${query.limit + 1}
  `);
  type Raw = Omit<DeliveryGroup, "firstAt" | "lastAt" | "count"> & { firstAt: string; lastAt: string; count: number | string };
  const raw = (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as Raw[];
  const more = raw.length > query.limit;
  const picked = raw.slice(0, query.limit).map((r): DeliveryGroup => ({
    ...r,
    count: Number(r.count),
    firstAt: new Date(r.firstAt),
    lastAt: new Date(r.lastAt),
  }));
  if (newerFirst) return { rows: picked, hasOlder: more, hasNewer: cursor !== undefined };
  return { rows: picked.reverse(), hasOlder: true, hasNewer: more };
}
