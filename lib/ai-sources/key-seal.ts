import { and, eq, isNotNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { aiSources } from "@/db/schema";
import { decryptSecret, encryptSecret, type Keyring } from "@/lib/crypto/secrets";

/**
 * Sealing of AI sources' provider API keys, with an explicit keyring (usable from scripts such as
 * `npm run keys:rotate`, which cannot import server-only modules).
 */
export const AI_KEY_PURPOSE = "ai_api_key";
/** The sealed key binds its source row, so a copied ciphertext does not open on another source. */
export const aiKeyContext = (sourceId: string) => ({ userId: "ai-source", purpose: AI_KEY_PURPOSE, accountId: sourceId });

export function openAiKey(source: { id: string; apiKeyEnc: string | null; keyVersion: number | null }, keyring: Keyring): string {
  return source.apiKeyEnc && source.keyVersion ? decryptSecret(source.apiKeyEnc, source.keyVersion, aiKeyContext(source.id), keyring) : "";
}

/**
 * `npm run keys:rotate`: re-seals every AI source's API key under the current master key. Only while the
 * row still holds the ciphertext read: a key replaced meanwhile is left as it is, uncounted.
 */
export async function resealAiSourceKeys(db: Database, keyring: Keyring): Promise<{ rotated: number; failed: string[] }> {
  const rows = await db
    .select({ id: aiSources.id, apiKeyEnc: aiSources.apiKeyEnc, keyVersion: aiSources.keyVersion })
    .from(aiSources)
    .where(isNotNull(aiSources.apiKeyEnc));
  let rotated = 0;
  const failed: string[] = [];
  for (const row of rows) {
    if (!row.apiKeyEnc || row.keyVersion === null || row.keyVersion === keyring.current) continue;
    try {
      const sealed = encryptSecret(openAiKey(row, keyring), aiKeyContext(row.id), keyring);
      const updated = await db
        .update(aiSources)
        .set({ apiKeyEnc: sealed.ciphertext, keyVersion: sealed.keyVersion, updatedAt: new Date() })
        .where(and(eq(aiSources.id, row.id), eq(aiSources.apiKeyEnc, row.apiKeyEnc)))
        .returning({ id: aiSources.id });
      rotated += updated.length;
    } catch {
      failed.push(row.id);
    }
  }
  return { rotated, failed };
}
