import "server-only";
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { getDb } from "../client";

export interface LiveSession {
  userId: string;
  sessionVersion: number;
  deviceId: string;
  sessionId: string;
  /** The lowest role that may see the live pages. */
  minRole: number;
}

/**
 * A short fingerprint of what the trader's live pages show: it changes when one of the user's orders,
 * executions, positions or strategies changes. One statement per poll, each part an index probe:
 * `orders_user_updated_idx`, then per strategy its position (primary key) and its latest execution
 * (`strategy_executions_updated_idx`).
 *
 * The same statement re-checks the session against the database (user enabled and a trader, session
 * version, trusted device, not signed out): null when it does not hold. The answer says only "something
 * changed"; the refresh it triggers renders the page, which makes the full session check itself.
 */
export async function changeVersion(session: LiveSession): Promise<string | null> {
  const db = await getDb();
  // Raw SQL with explicit aliases: the correlated subqueries must name the outer user's id.
  const result: unknown = await db.execute(sql`
    select
      (select max(o.updated_at)::text from orders o where o.user_id = u.id) as orders,
      (select coalesce(string_agg(
          s.id::text || '/' || s.updated_at::text || '/' || coalesce(p.updated_at::text, '') || '/' ||
          coalesce(p.protection, '') || '/' || coalesce(p.protection_note, '') || '/' ||
          coalesce((select max(e.updated_at) from strategy_executions e where e.strategy_id = s.id)::text, ''),
          ',' order by s.id), '')
        from strategies s left join strategy_positions p on p.strategy_id = s.id
        where s.user_id = u.id) as strategies
    from users u
    where u.id = ${session.userId}
      and not u.disabled
      and u.role >= ${session.minRole}
      and u.session_version = ${session.sessionVersion}
      and u.email_verified_at is not null
      and exists (select 1 from user_devices d where d.id = ${session.deviceId} and d.user_id = u.id and d.status = 'trusted')
      and not exists (select 1 from ended_sessions x where x.session_id = ${session.sessionId})
  `);
  const rows = (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as { orders: string | null; strategies: string }[];
  const row = rows[0];
  if (!row) return null;
  return createHash("sha256").update(`${row.orders ?? ""}|${row.strategies}`).digest("base64url").slice(0, 16);
}
