import "server-only";
import { createHash, randomInt } from "node:crypto";
import { and, count, eq, isNull } from "drizzle-orm";
import { getDb, type Database } from "@/db/client";
import { recoveryCodes } from "@/db/schema";

/**
 * One-time recovery codes for a lost authenticator: ten codes like `k7mp-3xq9-fh`, from an alphabet
 * without look-alikes (no 0/o, 1/l/i). 10 characters of 31 are ~49 bits each, so a plain SHA-256 (bound
 * to the user) is enough at rest; a used code is marked, never reused.
 */
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const LENGTH = 10;
export const RECOVERY_CODE_COUNT = 10;

type Executor = Pick<Database, "select" | "insert" | "update" | "delete">;

export function newRecoveryCode(): string {
  let raw = "";
  for (let i = 0; i < LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

/** The canonical form of a typed code (case, spaces and dashes ignored), or null if it cannot be one. */
export function normalizeRecoveryCode(raw: string): string | null {
  const code = raw.toLowerCase().replace(/[\s-]/g, "");
  if (code.length !== LENGTH) return null;
  for (const ch of code) if (!ALPHABET.includes(ch)) return null;
  return code;
}

export function hashRecoveryCode(userId: string, code: string): string {
  const canonical = normalizeRecoveryCode(code) ?? code;
  return createHash("sha256").update(`${userId}:${canonical}`).digest("hex");
}

/** Replaces all of a user's codes with ten new ones and answers them (the only time they are readable). */
export async function replaceRecoveryCodes(userId: string, executor?: Executor): Promise<string[]> {
  const db = executor ?? (await getDb());
  const codes = new Set<string>();
  while (codes.size < RECOVERY_CODE_COUNT) codes.add(newRecoveryCode());
  const list = [...codes];
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await db.insert(recoveryCodes).values(list.map((code) => ({ userId, codeHash: hashRecoveryCode(userId, code) })));
  return list;
}

/** Uses a code up if it is one of the user's unused codes; a conditional UPDATE makes it once only. */
export async function consumeRecoveryCode(userId: string, raw: string, executor?: Executor): Promise<boolean> {
  const code = normalizeRecoveryCode(raw);
  if (!code) return false;
  const db = executor ?? (await getDb());
  const rows = await db
    .update(recoveryCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashRecoveryCode(userId, code)), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  return rows.length > 0;
}

export async function countUnusedRecoveryCodes(userId: string, executor?: Executor): Promise<number> {
  const db = executor ?? (await getDb());
  const [row] = await db
    .select({ value: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row?.value ?? 0;
}

export async function deleteRecoveryCodes(userId: string, executor?: Executor) {
  const db = executor ?? (await getDb());
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}
