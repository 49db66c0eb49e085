import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { writeAudit } from "@/db/queries/audit";
import { beginAttempt } from "./attempts";
import { hashPassword, verifyPassword } from "./password";
import { publishSessionVersion } from "./revocations";
import { revokeTokens, TOKEN_KINDS } from "./tokens";

export type ChangeResult = { ok: true; from: number; to: number } | { ok: false; reason: "wrong_password" | "locked" | "same_password" | "changed_meanwhile" };

/**
 * A signed-in user changes their password: the current one is checked (reserved and counted towards the
 * sign-in lockout like any guess, so this form is no free password oracle), the new one stored as an
 * argon2id hash, and the session version bumped so every other session ends (the caller keeps its own).
 */
export async function changePassword(input: {
  userId: string;
  currentPassword: string;
  newPassword: string;
  meta: { ip: string | null; userAgent: string | null };
}): Promise<ChangeResult> {
  const attempt = await beginAttempt(input.userId, input.meta, "password");
  if (!attempt) return { ok: false, reason: "locked" };
  const db = await getDb();
  const [row] = await db
    .select({ hash: users.passwordHash, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.id, input.userId))
    .limit(1);
  if (!row || !(await verifyPassword(row.hash, input.currentPassword))) {
    await writeAudit({ action: "password.change_failed", actorId: input.userId, userId: input.userId, ...input.meta });
    await attempt.fail();
    return { ok: false, reason: "wrong_password" };
  }
  await attempt.succeed();
  if (await verifyPassword(row.hash, input.newPassword)) return { ok: false, reason: "same_password" };
  const passwordHash = await hashPassword(input.newPassword);
  const to = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1`, failedLogins: 0, lockedUntil: null, updatedAt: new Date() })
      // Only from the version read with the password: a bump made meanwhile fails this change.
      .where(and(eq(users.id, input.userId), eq(users.sessionVersion, row.sessionVersion)))
      .returning({ sessionVersion: users.sessionVersion });
    if (!updated) return null;
    await revokeTokens({ userId: input.userId, kind: TOKEN_KINDS.passwordReset }, tx);
    await writeAudit({ action: "password.change", actorId: input.userId, userId: input.userId, ...input.meta }, tx);
    return updated.sessionVersion;
  });
  if (to === null) return { ok: false, reason: "changed_meanwhile" };
  await publishSessionVersion(input.userId, to);
  return { ok: true, from: row.sessionVersion, to };
}
