import { and, asc, count, desc, eq, ilike, isNull, ne, or, sql } from "drizzle-orm";
import { getDb, type Database } from "../client";
import { users } from "../schema";

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

export async function findUserById(id: string, executor?: Database): Promise<PublicUser | null> {
  const db = executor ?? (await getDb());
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function emailTaken(email: string, executor?: Database) {
  const db = executor ?? (await getDb());
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(sql`lower(${users.email})`, normalizeEmail(email)))
    .limit(1);
  return Boolean(row);
}

const USERS_LOCK = 424242;

/**
 * Takes the users advisory lock for the rest of the transaction: changes that must see a stable set of
 * users (the first registration, the last active admin) run one at a time.
 */
export async function lockUsers(tx: Database) {
  await tx.execute(sql`select pg_advisory_xact_lock(${USERS_LOCK})`);
}

export async function countUsers(executor?: Database) {
  const db = executor ?? (await getDb());
  const [row] = await db.select({ value: count() }).from(users);
  return row?.value ?? 0;
}

export async function insertUser(
  values: { name: string; email: string; passwordHash: string; role: number; locale?: string | null },
  executor?: Database,
): Promise<PublicUser | null> {
  const db = executor ?? (await getDb());
  const [user] = await db
    .insert(users)
    .values({
      name: values.name.trim(),
      email: normalizeEmail(values.email),
      passwordHash: values.passwordHash,
      role: values.role,
      locale: values.locale ?? null,
    })
    .returning(publicColumns);
  return user ?? null;
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

/** Active (not disabled) users with this role, optionally leaving one user out. */
export async function countActiveUsersWithRole(role: number, opts: { except?: string } = {}, executor?: Database) {
  const db = executor ?? (await getDb());
  const [row] = await db
    .select({ value: count() })
    .from(users)
    .where(and(eq(users.role, role), eq(users.disabled, false), opts.except ? ne(users.id, opts.except) : undefined));
  return row?.value ?? 0;
}

/** Sets a user's role and disabled flag; `endSessions` also bumps the session version. */
export async function updateUserAccess(
  userId: string,
  change: { role: number; disabled: boolean; endSessions: boolean },
  executor?: Database,
): Promise<PublicUser | null> {
  const db = executor ?? (await getDb());
  const [updated] = await db
    .update(users)
    .set({
      role: change.role,
      disabled: change.disabled,
      updatedAt: new Date(),
      ...(change.endSessions ? { sessionVersion: sql`${users.sessionVersion} + 1` } : {}),
    })
    .where(eq(users.id, userId))
    .returning(publicColumns);
  return updated ?? null;
}

/** How many users have each role, split by the disabled flag. */
export async function countUsersGroupedByRole() {
  const db = await getDb();
  return db
    .select({ role: users.role, disabled: users.disabled, value: count() })
    .from(users)
    .groupBy(users.role, users.disabled);
}

// The roles these queries name (lib/auth/roles ROLES.user and ROLES.admin).
const ROLE_USER = 1;
const ROLE_ADMIN = 3;

/** Accounts waiting for approval (role "user", not disabled), newest first, and how many there are. */
export async function listPendingUsers({ limit = 50 }: { limit?: number } = {}) {
  const db = await getDb();
  const waiting = and(eq(users.role, ROLE_USER), eq(users.disabled, false));
  const [rows, [total]] = await Promise.all([
    db.select(publicColumns).from(users).where(waiting).orderBy(desc(users.createdAt), desc(users.id)).limit(limit),
    db.select({ value: count() }).from(users).where(waiting),
  ]);
  return { rows, total: total?.value ?? 0 };
}

/** Who is told about a new account waiting for approval: every active admin. */
export async function listActiveAdmins(executor?: Database) {
  const db = executor ?? (await getDb());
  return db
    .select({ id: users.id, email: users.email, name: users.name, locale: users.locale })
    .from(users)
    .where(and(eq(users.role, ROLE_ADMIN), eq(users.disabled, false)))
    .orderBy(asc(users.createdAt));
}

/** Marks the address verified; answers the user, or null when it already was (or the user is gone). */
export async function setEmailVerified(userId: string, executor?: Database): Promise<PublicUser | null> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .update(users)
    .set({ emailVerifiedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)))
    .returning(publicColumns);
  return row ?? null;
}
