import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { exchangeAccounts } from "@/db/schema";
import { createUser } from "@/lib/users";
import { appKeyring, bindAccountKeysOnUse } from "@/lib/crypto";
import { decryptSecret, encryptSecret, isAccountBound, SecretDecryptionError } from "@/lib/crypto/secrets";
import { resetEnvForTests } from "@/lib/env";
import { useTestDatabase } from "../helpers/test-db";

const testDb = useTestDatabase();
let userId = "";

beforeAll(async () => {
  Object.assign(process.env, { AUTH_SECRET: "keybind-auth-secret-0123456789abcdefghij", ENCRYPTION_KEY: "keybind-master-key-0123456789abcdefghijk" });
  delete process.env.ENCRYPTION_KEY_VERSION;
  delete process.env.ENCRYPTION_KEYS_PREVIOUS;
  resetEnvForTests();
  userId = (await createUser({ name: "Kim", email: "kim@example.com", passwordHash: "x", autoApprove: true })).id;
});

/** An account whose keys were sealed before the account id was bound in ("v1"). */
async function legacyAccount() {
  const unbound = (value: string, purpose: string) => encryptSecret(value, { userId, purpose }, appKeyring()).ciphertext;
  const [row] = await testDb.db
    .insert(exchangeAccounts)
    .values({ userId, exchange: "binance", label: "Old", apiKeyEnc: unbound("the-key", "api_key"), apiSecretEnc: unbound("the-secret", "api_secret"), keyVersion: 1 })
    .returning();
  return row!;
}

describe("exchange keys sealed before the account binding", () => {
  it("are re-sealed bound to their account at first use, so a copy onto another account no longer opens", async () => {
    const account = await legacyAccount();
    expect(isAccountBound(account.apiSecretEnc!)).toBe(false);
    expect(await bindAccountKeysOnUse(account)).toBe("rotated");
    const [row] = await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.id, account.id));
    expect(isAccountBound(row!.apiKeyEnc!) && isAccountBound(row!.apiSecretEnc!)).toBe(true);
    expect(decryptSecret(row!.apiSecretEnc!, row!.keyVersion!, { userId, purpose: "api_secret", accountId: account.id }, appKeyring())).toBe("the-secret");
    const other = await legacyAccount();
    expect(() => decryptSecret(row!.apiSecretEnc!, 1, { userId, purpose: "api_secret", accountId: other.id }, appKeyring())).toThrow(SecretDecryptionError);
    // Already bound: nothing to do.
    expect(await bindAccountKeysOnUse(row!)).toBe("current");
  });

  it("never overwrites keys replaced meanwhile (the update is conditioned on the ciphertexts read)", async () => {
    const account = await legacyAccount();
    const fresh = encryptSecret("new-secret", { userId, purpose: "api_secret", accountId: account.id }, appKeyring()).ciphertext;
    await testDb.db.update(exchangeAccounts).set({ apiSecretEnc: fresh }).where(eq(exchangeAccounts.id, account.id));
    expect(await bindAccountKeysOnUse(account)).toBe("changed");
    const [row] = await testDb.db.select().from(exchangeAccounts).where(eq(exchangeAccounts.id, account.id));
    expect(row!.apiSecretEnc).toBe(fresh);
  });
});
