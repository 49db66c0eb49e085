import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { signals } from "@/db/schema";
import { keyringFrom } from "@/lib/crypto/secrets";
import { resealSignalKeys, sealSigningKey } from "@/lib/signals/key-seal";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
const OLD = keyringFrom({ key: "reseal-old-master-key-0123456789abcdefgh" });
const NEW = keyringFrom({ key: "reseal-new-master-key-0123456789abcdefgh", version: 2, previous: `1:${OLD.keys.get(1)}` });

describe("keys:rotate for signal signing keys", () => {
  it("counts only the rows it re-sealed: a secret regenerated between read and write is neither overwritten nor counted", async () => {
    const [row] = await testDb.db.insert(signals).values({ name: "reseal-race", secretHint: "abcd", ...sealSigningKey("the-old-secret", OLD), signingScheme: "v1" }).returning();
    const regenerated = sealSigningKey("a-regenerated-secret", NEW);
    // The database as the rotation sees it, with the owner regenerating the secret right after the read.
    const racing = {
      select: (fields: Parameters<Database["select"]>[0]) => ({
        from: async (table: typeof signals) => {
          const rows = await testDb.db.select(fields!).from(table);
          await testDb.db.update(signals).set(regenerated).where(eq(signals.id, row!.id));
          return rows;
        },
      }),
      update: (table: typeof signals) => testDb.db.update(table),
    } as unknown as Database;
    expect(await resealSignalKeys(racing, NEW)).toEqual({ rotated: 0, failed: [] });
    const [after] = await testDb.db.select().from(signals).where(eq(signals.id, row!.id));
    expect(after!.secretHash).toBe(regenerated.secretHash);
    expect(await resealSignalKeys(testDb.db, NEW)).toEqual({ rotated: 0, failed: [] });
  });
});
