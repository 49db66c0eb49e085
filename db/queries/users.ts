import { and, asc, count, desc, eq, ilike, ne, or, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { publishSessionVersion } from "@/lib/auth/revocations";
import { ROLES, type Role } from "@/lib/auth/roles";
import { getDb } from "../client";
import { users } from "../schema";
import { writeAudit } from "./audit";

// Never hand the password hash to callers that do not need it.
const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  disabled: users.disabled,
  sessionVersion: users.sessionVersion,
  locale: users.locale,
  lastLoginAt: users.lastLoginAt,
  emailVerifiedAt: users.emailVerifiedAt,
  createdAt: users.createdAt,
};

export type PublicUser = {
  id: string;
  email: string;
  name: string;
  role: number;
  disabled: boolean;
  sessionVersion: number;
  locale: string | null;
  lastLoginAt: Date | null;
  emailVerifiedAt: Date | null;
  createdAt: Date;
};

export function normalizeEmail(email: string) {
  return email.trim().toLowerCase();
}

export async function findUserForLogin(email: string) {
  const db = await getDb();
  const [row] = await db
    .select({ ...publicColumns, passwordHash: users.passwordHash, lockedUntil: users.lockedUntil })
    .from(users)
    .where(eq(sql`lower(${users.email})`, normalizeEmail(email)))
    .limit(1);
  return row ?? null;
}

export async function findUserById(id: string): Promise<PublicUser | null> {
  const db = await getDb();
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function emailTaken(email: string) {
  const db = await getDb();
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(sql`lower(${users.email})`, normalizeEmail(email)))
    .limit(1);
  return Boolean(row);
}

const USERS_LOCK = 424242;

/** Creates a user; the first account on a fresh database becomes the admin. */
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
    await tx.execute(sql`select pg_advisory_xact_lock(${USERS_LOCK})`);
    const [existing] = await tx.select({ value: count() }).from(users);
    const first = (existing?.value ?? 0) === 0;
    const role: Role = first ? ROLES.admin : input.autoApprove ? ROLES.trader : ROLES.user;
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.email})`, normalizeEmail(input.email)))
      .limit(1);
    if (taken) throw new AppError("conflict", "An account with this email already exists.");
    const [user] = await tx
      .insert(users)
      .values({
        name: input.name.trim(),
        email: normalizeEmail(input.email),
        passwordHash: input.passwordHash,
        role,
        locale: input.locale ?? null,
      })
      .returning(publicColumns);
    if (!user) throw new AppError("internal", "Could not create the account.");
    await writeAudit(
      { action: "user.register", actorId: user.id, userId: user.id, detail: { role, first }, ip: input.ip },
      tx,
    );
    return user;
  });
}

export async function recordLogin(userId: string) {
  const db = await getDb();
  await db.update(users).set({ lastLoginAt: new Date(), failedLogins: 0 }).where(eq(users.id, userId));
}

/**
 * Counts a wrong password atomically; the failure that reaches the threshold locks the account for
 * `minutes` and starts the count again. Answers whether this failure locked it.
 */
export async function recordFailedLogin(userId: string, threshold: number, minutes: number) {
  const db = await getDb();
  const reached = sql`${users.failedLogins} + 1 >= ${threshold}`;
  const [row] = await db
    .update(users)
    .set({
      failedLogins: sql`case when ${reached} then 0 else ${users.failedLogins} + 1 end`,
      lockedUntil: sql`case when ${reached} then now() + ${`${minutes} minutes`}::interval else ${users.lockedUntil} end`,
    })
    .where(eq(users.id, userId))
    .returning({ failedLogins: users.failedLogins, lockedUntil: users.lockedUntil });
  const lockedNow = Boolean(row && row.failedLogins === 0 && row.lockedUntil && row.lockedUntil.getTime() > Date.now());
  return { lockedNow, lockedUntil: row?.lockedUntil ?? null };
}

export async function listUsers({ q, page = 1, pageSize = 20 }: { q?: string; page?: number; pageSize?: number }) {
  const db = await getDb();
  const term = q?.trim();
  const where = term
    ? or(ilike(users.email, `%${escapeLike(term)}%`), ilike(users.name, `%${escapeLike(term)}%`))
    : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select(publicColumns)
      .from(users)
      .where(where)
      .orderBy(desc(users.role), asc(users.createdAt))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db.select({ value: count() }).from(users).where(where),
  ]);
  return { rows, total: total?.value ?? 0 };
}

function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
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
    await tx.execute(sql`select pg_advisory_xact_lock(${USERS_LOCK})`);
    const [target] = await tx.select(publicColumns).from(users).where(eq(users.id, input.userId)).limit(1);
    if (!target) throw new AppError("not_found", "That user no longer exists.");

    const nextRole = input.change.role ?? target.role;
    const nextDisabled = input.change.disabled ?? target.disabled;
    const wasActiveAdmin = target.role >= ROLES.admin && !target.disabled;
    const staysActiveAdmin = nextRole >= ROLES.admin && !nextDisabled;
    if (wasActiveAdmin && !staysActiveAdmin) {
      const [others] = await tx
        .select({ value: count() })
        .from(users)
        .where(and(eq(users.role, ROLES.admin), eq(users.disabled, false), ne(users.id, target.id)));
      if ((others?.value ?? 0) === 0) {
        throw new AppError("last_admin", "This is the last active admin: promote another admin first.");
      }
    }

    const lostAccess = nextDisabled && !target.disabled;
    const [updated] = await tx
      .update(users)
      .set({
        role: nextRole,
        disabled: nextDisabled,
        updatedAt: new Date(),
        ...(lostAccess ? { sessionVersion: sql`${users.sessionVersion} + 1` } : {}),
      })
      .where(eq(users.id, target.id))
      .returning(publicColumns);
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

export async function countUsersByRole() {
  const db = await getDb();
  const rows = await db
    .select({ role: users.role, disabled: users.disabled, value: count() })
    .from(users)
    .groupBy(users.role, users.disabled);
  const active = (role: number) => rows.filter((r) => r.role === role && !r.disabled).reduce((s, r) => s + r.value, 0);
  return {
    total: rows.reduce((s, r) => s + r.value, 0),
    pending: active(ROLES.user),
    traders: active(ROLES.trader),
    admins: active(ROLES.admin),
  };
}
