import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { authTokens } from "@/db/schema";

/** The kinds in use; any string works, these keep callers from misspelling them. */
export const TOKEN_KINDS = {
  passwordReset: "password_reset",
  verifyEmail: "verify_email",
  newDevice: "new_device",
} as const;

export type TokenFailure = "invalid" | "expired" | "used";
export type TokenCheck =
  | { ok: true; userId: string; meta: Record<string, string> }
  | { ok: false; reason: TokenFailure };

/** A database or a transaction: consuming inside the caller's transaction makes the whole step atomic. */
export type TokenExecutor = Pick<Database, "insert" | "update" | "select">;

// 32 random bytes in base64url are exactly 43 characters; anything else is refused without a query.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Only this digest is stored: a leaked auth_tokens table gives nobody a usable link. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Creates a one-time token for an email link; answers the plaintext, which exists only in that link. */
export async function issueToken(
  input: { userId: string; kind: string; ttlMinutes: number; meta?: Record<string, string> },
  executor?: TokenExecutor,
): Promise<string> {
  if (!Number.isFinite(input.ttlMinutes) || input.ttlMinutes <= 0) throw new RangeError("ttlMinutes must be positive");
  const db = executor ?? (await getDb());
  const token = randomBytes(32).toString("base64url");
  await db.insert(authTokens).values({
    userId: input.userId,
    kind: input.kind,
    tokenHash: hashToken(token),
    expiresAt: new Date(Date.now() + input.ttlMinutes * 60_000),
    meta: input.meta ?? null,
  });
  return token;
}

type Row = { userId: string; kind: string; usedAt: Date | null; expiresAt: Date; meta: Record<string, string> | null };

function judge(row: Row | undefined, kind: string, now: Date): TokenCheck {
  // A token of another kind is as unknown as a made-up one: a device link never resets a password.
  if (!row || row.kind !== kind) return { ok: false, reason: "invalid" };
  if (row.usedAt) return { ok: false, reason: "used" };
  if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, userId: row.userId, meta: row.meta ?? {} };
}

async function findRow(db: TokenExecutor, token: string): Promise<Row | undefined> {
  const [row] = await db
    .select({
      userId: authTokens.userId,
      kind: authTokens.kind,
      usedAt: authTokens.usedAt,
      expiresAt: authTokens.expiresAt,
      meta: authTokens.meta,
    })
    .from(authTokens)
    .where(eq(authTokens.tokenHash, hashToken(token)))
    .limit(1);
  return row;
}

/** Checks a token without using it up (to decide whether to show a form). */
export async function peekToken(input: { token: string; kind: string }, executor?: TokenExecutor): Promise<TokenCheck> {
  if (!TOKEN_PATTERN.test(input.token)) return { ok: false, reason: "invalid" };
  const db = executor ?? (await getDb());
  return judge(await findRow(db, input.token), input.kind, new Date());
}

/**
 * Uses a token up. The conditional UPDATE ... WHERE used_at IS NULL RETURNING is the single point of
 * decision: of two concurrent consumers the row lock lets exactly one through, the other sees it used.
 */
export async function consumeToken(input: { token: string; kind: string }, executor?: TokenExecutor): Promise<TokenCheck> {
  if (!TOKEN_PATTERN.test(input.token)) return { ok: false, reason: "invalid" };
  const db = executor ?? (await getDb());
  const now = new Date();
  const [row] = await db
    .update(authTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(authTokens.tokenHash, hashToken(input.token)),
        eq(authTokens.kind, input.kind),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, now),
      ),
    )
    .returning({ userId: authTokens.userId, meta: authTokens.meta });
  if (row) return { ok: true, userId: row.userId, meta: row.meta ?? {} };
  // Not consumed: say why (unknown, expired, or someone used it first).
  const check = judge(await findRow(db, input.token), input.kind, now);
  return check.ok ? { ok: false, reason: "used" } : check;
}

/** Uses up every outstanding token of a kind for a user (e.g. other reset links after a reset). */
export async function revokeTokens(input: { userId: string; kind: string }, executor?: TokenExecutor): Promise<number> {
  const db = executor ?? (await getDb());
  const rows = await db
    .update(authTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(authTokens.userId, input.userId), eq(authTokens.kind, input.kind), isNull(authTokens.usedAt)))
    .returning({ id: authTokens.id });
  return rows.length;
}
