import "server-only";
import { getDb, type Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import {
  countActiveUsersWithRole,
  countUsers,
  countUsersGroupedByRole,
  emailTaken,
  findUserById,
  insertUser,
  lockUsers,
  normalizeEmail,
  setEmailVerified,
  updateUserAccess,
  type PublicUser,
} from "@/db/queries/users";
import { publishSessionVersion } from "@/lib/auth/revocations";
import { ROLES, type Role } from "@/lib/auth/roles";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/**
 * The rules about user accounts (who becomes admin, who may stop being one, whose sessions end) on top
 * of the plain queries in db/queries/users.
 */

function isAdminEmail(email: string): boolean {
  const { ADMIN_EMAIL } = env();
  return ADMIN_EMAIL !== undefined && normalizeEmail(ADMIN_EMAIL) === normalizeEmail(email);
}

/**
 * Creates a user: a trader when auto-approved, otherwise one waiting for approval. Outside production
 * the first account on a fresh database becomes the admin (convenient locally); in production that
 * would be a race any visitor could win. Registering with ADMIN_EMAIL grants nothing yet either:
 * anyone could register that address before its owner, so the account becomes admin only when it
 * verifies the address (markEmailVerified).
 */
export async function createUser(input: {
  name: string;
  email: string;
  passwordHash: string;
  autoApprove: boolean;
  locale?: string | null;
  ip?: string | null;
}): Promise<PublicUser> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    // Serialises concurrent first registrations so exactly one becomes admin.
    await lockUsers(tx);
    const first = (await countUsers(tx)) === 0;
    const named = isAdminEmail(input.email);
    const admin = first && env().NODE_ENV !== "production";
    const role: Role = admin ? ROLES.admin : input.autoApprove ? ROLES.trader : ROLES.user;
    if (await emailTaken(input.email, tx)) throw new AppError("conflict", "An account with this email already exists.");
    const user = await insertUser(
      { name: input.name, email: input.email, passwordHash: input.passwordHash, role, locale: input.locale },
      tx,
    );
    if (!user) throw new AppError("internal", "Could not create the account.");
    await writeAudit(
      { action: "user.register", actorId: user.id, userId: user.id, detail: { role, first, ...(named ? { adminEmail: true } : {}) }, ip: input.ip },
      tx,
    );
    return user;
  });
}

/**
 * Marks a user's address verified, in the caller's transaction. The account registered with
 * ADMIN_EMAIL becomes an admin at this moment (its owner has proven the address), and only while no
 * active admin exists: ADMIN_EMAIL makes the first admin, never a second one. Answers the user, or
 * null when the address was already verified.
 */
export async function markEmailVerified(
  userId: string,
  meta: { ip?: string | null; userAgent?: string | null },
  tx: Database,
): Promise<PublicUser | null> {
  const current = await findUserById(userId, tx);
  if (!current) return null;
  const named = isAdminEmail(current.email);
  // Taken before the row is written, in the order every other users change takes it (no deadlock).
  if (named) await lockUsers(tx);
  const verified = await setEmailVerified(userId, tx);
  if (!verified || !named || verified.disabled || verified.role >= ROLES.admin) return verified;
  if ((await countActiveUsersWithRole(ROLES.admin, {}, tx)) > 0) return verified;
  const promoted = await updateUserAccess(userId, { role: ROLES.admin, disabled: false, endSessions: false }, tx);
  await writeAudit(
    {
      action: "user.promote.admin_email",
      actorId: userId,
      userId,
      detail: { from: verified.role, to: ROLES.admin },
      ip: meta.ip,
      userAgent: meta.userAgent,
    },
    tx,
  );
  return promoted ?? verified;
}

type AdminChange = { role?: Role; disabled?: boolean };

/**
 * Changes a user's role or disabled flag as an admin, refusing to leave the platform without an
 * active admin, and writes the audit entry in the same transaction.
 */
export async function adminUpdateUser(input: {
  actorId: string;
  userId: string;
  change: AdminChange;
  ip?: string | null;
}): Promise<PublicUser> {
  const db = await getDb();
  const updated = await db.transaction(async (tx) => {
    await lockUsers(tx);
    const target = await findUserById(input.userId, tx);
    if (!target) throw new AppError("not_found", "That user no longer exists.");

    const nextRole = input.change.role ?? target.role;
    const nextDisabled = input.change.disabled ?? target.disabled;
    const wasActiveAdmin = target.role >= ROLES.admin && !target.disabled;
    const staysActiveAdmin = nextRole >= ROLES.admin && !nextDisabled;
    if (wasActiveAdmin && !staysActiveAdmin) {
      const others = await countActiveUsersWithRole(ROLES.admin, { except: target.id }, tx);
      if (others === 0) {
        throw new AppError("last_admin", "This is the last active admin: promote another admin first.");
      }
    }

    const lostAccess = nextDisabled && !target.disabled;
    const updated = await updateUserAccess(target.id, { role: nextRole, disabled: nextDisabled, endSessions: lostAccess }, tx);
    if (!updated) throw new AppError("internal", "Could not update the user.");

    if (nextRole !== target.role) {
      await writeAudit(
        { action: "user.role_change", actorId: input.actorId, userId: target.id, detail: { from: target.role, to: nextRole }, ip: input.ip },
        tx,
      );
    }
    if (nextDisabled !== target.disabled) {
      await writeAudit(
        { action: nextDisabled ? "user.disable" : "user.enable", actorId: input.actorId, userId: target.id, ip: input.ip },
        tx,
      );
    }
    return updated;
  });
  // A disabled user's sessions end; with Redis, the middleware refuses them without a database call.
  if (updated.disabled) await publishSessionVersion(updated.id, updated.sessionVersion);
  return updated;
}

/** The admin overview's numbers: every account, and the active ones per role. */
export async function countUsersByRole() {
  const rows = await countUsersGroupedByRole();
  const active = (role: number) => rows.filter((r) => r.role === role && !r.disabled).reduce((s, r) => s + r.value, 0);
  return {
    total: rows.reduce((s, r) => s + r.value, 0),
    pending: active(ROLES.user),
    traders: active(ROLES.trader),
    admins: active(ROLES.admin),
  };
}
