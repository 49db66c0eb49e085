import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { exchangeAccounts, users } from "@/db/schema";
import { decryptSecret, encryptSecret, isAccountBound, type Keyring } from "./secrets";

const FIELDS = [
  ["apiKeyEnc", "api_key"],
  ["apiSecretEnc", "api_secret"],
  ["passphraseEnc", "passphrase"],
] as const;

type AccountKeys = Pick<typeof exchangeAccounts.$inferSelect, "id" | "userId" | "keyVersion" | (typeof FIELDS)[number][0]>;

/**
 * Re-seals one account's keys under the keyring's current master key version, in the format that binds
 * the account id. One conditional UPDATE: it applies only while the row still holds the ciphertexts that
 * were read, so keys replaced meanwhile are never overwritten with the old ones ("changed").
 */
export async function resealAccountKeys(db: Database, row: AccountKeys, keyring: Keyring): Promise<"rotated" | "current" | "failed" | "changed"> {
  if (!row.apiKeyEnc || row.keyVersion === null) return "current";
  const sealed = FIELDS.map(([column]) => row[column]).filter((value): value is string => Boolean(value));
  if (row.keyVersion === keyring.current && sealed.every(isAccountBound)) return "current";
  const update: Partial<typeof exchangeAccounts.$inferInsert> = { keyVersion: keyring.current, updatedAt: new Date() };
  try {
    for (const [column, purpose] of FIELDS) {
      const value = row[column];
      if (!value) continue;
      const ctx = { userId: row.userId, purpose, accountId: row.id };
      update[column] = encryptSecret(decryptSecret(value, row.keyVersion, ctx, keyring), ctx, keyring).ciphertext;
    }
  } catch {
    return "failed";
  }
  const unchanged = FIELDS.map(([column]) => {
    const value = row[column];
    return value === null ? isNull(exchangeAccounts[column]) : eq(exchangeAccounts[column], value);
  });
  const updated = await db
    .update(exchangeAccounts)
    .set(update)
    .where(and(eq(exchangeAccounts.id, row.id), eq(exchangeAccounts.keyVersion, row.keyVersion), ...unchanged))
    .returning({ id: exchangeAccounts.id });
  return updated.length > 0 ? "rotated" : "changed";
}

/**
 * Re-seals every stored exchange key (resealAccountKeys); accounts whose keys were replaced meanwhile
 * are listed in `changed` (they already hold fresh ciphertexts). An interrupted run can simply be
 * started again.
 */
export async function reencryptAllKeys(
  db: Database,
  keyring: Keyring,
): Promise<{ rotated: number; failed: string[]; changed: string[] }> {
  const rows = await db.select().from(exchangeAccounts);
  let rotated = 0;
  const failed: string[] = [];
  const changed: string[] = [];
  for (const row of rows) {
    const outcome = await resealAccountKeys(db, row, keyring);
    if (outcome === "rotated") rotated += 1;
    else if (outcome === "failed") failed.push(row.id);
    else if (outcome === "changed") changed.push(row.id);
  }
  return { rotated, failed, changed };
}

/** Purpose string the TOTP secrets are sealed with (lib/auth/two-factor.ts). */
export const TOTP_PURPOSE = "totp";

/**
 * Re-seals every enabled TOTP secret under the current master key version, user by user. Pending
 * enrolments (ten minutes, in app_settings) are not rotated: an unfinished one is simply started again.
 */
export async function reencryptTotpSecrets(db: Database, keyring: Keyring): Promise<{ rotated: number; failed: string[] }> {
  const rows = await db
    .select({ id: users.id, sealed: users.totpSecretEnc, keyVersion: users.totpKeyVersion })
    .from(users)
    .where(isNotNull(users.totpSecretEnc));
  let rotated = 0;
  const failed: string[] = [];
  for (const row of rows) {
    if (!row.sealed || row.keyVersion === null || row.keyVersion === keyring.current) continue;
    try {
      const ctx = { userId: row.id, purpose: TOTP_PURPOSE };
      const resealed = encryptSecret(decryptSecret(row.sealed, row.keyVersion, ctx, keyring), ctx, keyring).ciphertext;
      // Only if nobody changed it meanwhile (turned 2FA off or on again).
      const updated = await db
        .update(users)
        .set({ totpSecretEnc: resealed, totpKeyVersion: keyring.current })
        .where(and(eq(users.id, row.id), eq(users.totpSecretEnc, row.sealed)))
        .returning({ id: users.id });
      rotated += updated.length;
    } catch {
      failed.push(row.id);
    }
  }
  return { rotated, failed };
}
