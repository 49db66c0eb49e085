import { and, count, desc, eq, ilike, like, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb, type Database } from "../client";
import { auditLog, users } from "../schema";

export interface AuditInput {
  action: string;
  actorId?: string | null;
  userId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
  userAgent?: string | null;
}

type Writer = Pick<Database, "insert">;

export async function writeAudit(entry: AuditInput, executor?: Writer) {
  const db = executor ?? (await getDb());
  await db.insert(auditLog).values({
    action: entry.action,
    actorId: entry.actorId ?? null,
    userId: entry.userId ?? null,
    detail: entry.detail ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent?.slice(0, 300) ?? null,
  });
}

export const AUDIT_GROUPS = ["login", "password", "email", "device", "2fa", "role", "user", "account", "strategy", "switch", "signal", "ai_source", "settings"] as const;

/** The actions a group stands for: its own prefix, and for "role" every change of someone's role. */
const GROUP_ACTIONS: Partial<Record<(typeof AUDIT_GROUPS)[number], string[]>> = {
  role: ["role.%", "user.role_change", "user.promote.%", "user.approve"],
};

function groupFilter(group: string) {
  // "_" is a LIKE wildcard: "ai_source.%" must not match another prefix.
  const patterns = GROUP_ACTIONS[group as (typeof AUDIT_GROUPS)[number]] ?? [`${group.replaceAll("_", "\\_")}.%`];
  return or(...patterns.map((p) => like(auditLog.action, p)));
}

/** The audit trail with who it concerns and who acted, filtered by event group and user email. */
export async function searchAudit(opts: { group?: string; email?: string; userId?: string; page?: number; pageSize?: number }) {
  const db = await getDb();
  const pageSize = opts.pageSize ?? 50;
  const page = Math.max(1, opts.page ?? 1);
  const subject = alias(users, "subject");
  const actor = alias(users, "actor");
  const where = and(
    opts.userId ? eq(auditLog.userId, opts.userId) : undefined,
    opts.group ? groupFilter(opts.group) : undefined,
    opts.email ? or(ilike(subject.email, `%${opts.email}%`), ilike(actor.email, `%${opts.email}%`)) : undefined,
  );
  const base = () =>
    db
      .select({
        id: auditLog.id,
        action: auditLog.action,
        detail: auditLog.detail,
        ip: auditLog.ip,
        userAgent: auditLog.userAgent,
        createdAt: auditLog.createdAt,
        userEmail: subject.email,
        actorEmail: actor.email,
      })
      .from(auditLog)
      .leftJoin(subject, eq(subject.id, auditLog.userId))
      .leftJoin(actor, eq(actor.id, auditLog.actorId));
  const [rows, [total]] = await Promise.all([
    base().where(where).orderBy(desc(auditLog.createdAt), desc(auditLog.id)).limit(pageSize).offset((page - 1) * pageSize),
    db
      .select({ value: count() })
      .from(auditLog)
      .leftJoin(subject, eq(subject.id, auditLog.userId))
      .leftJoin(actor, eq(actor.id, auditLog.actorId))
      .where(where),
  ]);
  return { rows, total: total?.value ?? 0, page, pageSize };
}
