import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { aiSources, signals } from "@/db/schema";
import { aiKeyContext, openAiKey, resealAiSourceKeys } from "@/lib/ai-sources/key-seal";
import { encryptSecret, keyringFrom, SecretDecryptionError } from "@/lib/crypto/secrets";
import { newSignalCredentials } from "@/lib/signals/signing-key";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
const OLD = keyringFrom({ key: "ai-reseal-old-master-key-0123456789abcdef" });
const NEW = keyringFrom({ key: "ai-reseal-new-master-key-0123456789abcdef", version: 2, previous: `1:${OLD.keys.get(1)}` });
const NEW_ONLY = keyringFrom({ key: "ai-reseal-new-master-key-0123456789abcdef", version: 2 });

async function sourceSealedUnderOld(apiKey: string) {
  const name = `ai-reseal-${randomUUID().slice(0, 8)}`;
  const [signal] = await testDb.db.insert(signals).values({ name, ...newSignalCredentials().columns }).returning();
  const id = randomUUID();
  const sealed = encryptSecret(apiKey, aiKeyContext(id), OLD);
  await testDb.db.insert(aiSources).values({ id, name, signalId: signal!.id, promptTemplate: "{symbol}", apiKeyEnc: sealed.ciphertext, keyVersion: sealed.keyVersion, keyHint: apiKey.slice(-4) });
  return id;
}

describe("keys:rotate for AI sources' provider API keys", () => {
  it("re-seals them under the new master key: they open with it alone, and no longer with the old one", async () => {
    const id = await sourceSealedUnderOld("sk-provider-key-5678");
    const before = (await testDb.db.select().from(aiSources).where(eq(aiSources.id, id)))[0]!;
    expect(() => openAiKey(before, NEW_ONLY)).toThrow(SecretDecryptionError);

    const outcome = await resealAiSourceKeys(testDb.db, NEW);
    expect(outcome.failed).toEqual([]);
    expect(outcome.rotated).toBeGreaterThanOrEqual(1);

    const after = (await testDb.db.select().from(aiSources).where(eq(aiSources.id, id)))[0]!;
    expect(after.keyVersion).toBe(2);
    expect(after.apiKeyEnc).not.toBe(before.apiKeyEnc);
    expect(openAiKey(after, NEW_ONLY)).toBe("sk-provider-key-5678");
    expect(() => openAiKey(after, OLD)).toThrow(SecretDecryptionError);
    // Nor with the old key material, whatever version it is given.
    expect(() => openAiKey(after, keyringFrom({ key: OLD.keys.get(1)!, version: 2 }))).toThrow(SecretDecryptionError);
    // Bound to its own row: the ciphertext copied onto another source does not open.
    expect(() => openAiKey({ ...after, id: randomUUID() }, NEW_ONLY)).toThrow(SecretDecryptionError);
    // A second run has nothing left to do.
    expect(await resealAiSourceKeys(testDb.db, NEW)).toEqual({ rotated: 0, failed: [] });
  });

  it("lists a key no configured master key opens, and leaves it as it is", async () => {
    const id = await sourceSealedUnderOld("sk-lost-key-0000");
    const outcome = await resealAiSourceKeys(testDb.db, NEW_ONLY);
    expect(outcome.failed).toContain(id);
    const [row] = await testDb.db.select().from(aiSources).where(eq(aiSources.id, id));
    expect(row!.keyVersion).toBe(1);
  });
});
