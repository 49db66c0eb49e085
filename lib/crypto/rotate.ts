import { and, eq, isNotNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { exchangeAccounts, users } from "@/db/schema";
import { decryptSecret, encryptSecret, type Keyring } from "./secrets";

const FIELDS = [
  ["apiKeyEnc", "api_key"],
  ["apiSecretEnc", "api_secret"],
  ["passphraseEnc", "passphrase"],
] as const;

/**
 * Re-seals every stored exchange key under the keyring's current master key version. Each account is
 * updated in its own transaction, so an interrupted run can simply be started again.
 */
export async function reencryptAllKeys(db: Database, keyring: Keyring): Promise<{ rotated: number; failed: string[] }> {
  const rows = await db.select().from(exchangeAccounts);
  let rotated = 0;
  const failed: string[] = [];
  for (const row of rows) {
    if (!row.apiKeyEnc || row.keyVersion === null || row.keyVersion === keyring.current) continue;
    try {
      const update: Partial<typeof exchangeAccounts.$inferInsert> = { keyVersion: keyring.current, updatedAt: new Date() };
      for (const [column, purpose] of FIELDS) {
        const sealed = row[column];
        if (!sealed) continue;
        const ctx = { userId: row.userId, purpose };
        update[column] = encryptSecret(decryptSecret(sealed, row.keyVersion, ctx, keyring), ctx, keyring).ciphertext;
      }
      await db.transaction(async (tx) => {
        await tx.update(exchangeAccounts).set(update).where(eq(exchangeAccounts.id, row.id));
      });
      rotated += 1;
    } catch {
      failed.push(row.id);
    }
  }
  return { rotated, failed };
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
      await db
        .update(users)
        .set({ totpSecretEnc: resealed, totpKeyVersion: keyring.current })
        .where(and(eq(users.id, row.id), eq(users.totpSecretEnc, row.sealed)));
      rotated += 1;
    } catch {
      failed.push(row.id);
    }
  }
  return { rotated, failed };
}
