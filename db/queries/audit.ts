import { and, count, desc, eq } from "drizzle-orm";
import { getDb, type Database } from "../client";
import { auditLog } from "../schema";

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

export async function listAudit({ userId, action, page = 1, pageSize = 50 }: {
  userId?: string;
  action?: string;
  page?: number;
  pageSize?: number;
}) {
  const db = await getDb();
  const where = and(userId ? eq(auditLog.userId, userId) : undefined, action ? eq(auditLog.action, action) : undefined);
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ value: count() }).from(auditLog).where(where),
  ]);
  return { rows, total: total?.value ?? 0 };
}
