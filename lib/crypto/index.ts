import "server-only";
import { getDb } from "@/db/client";
import type { ExchangeAccount } from "@/db/schema";
import { env } from "@/lib/env";
import { resealAccountKeys } from "./rotate";
import { isAccountBound, keyringFrom, type Keyring } from "./secrets";
import { log } from "@/lib/logger";

export { decryptSecret, encryptSecret, isAccountBound, keyHint, keyringFrom, SecretDecryptionError } from "./secrets";
export type { Keyring, SecretContext } from "./secrets";

let cached: Keyring | undefined;

export function appKeyring(): Keyring {
  if (!cached) {
    const e = env();
    cached = keyringFrom({ key: e.ENCRYPTION_KEY, version: e.ENCRYPTION_KEY_VERSION, previous: e.ENCRYPTION_KEYS_PREVIOUS });
  }
  return cached;
}

/**
 * Called where an account's keys are decrypted: keys still sealed in the format that does not bind the
 * account ("v1", from before the binding) are re-sealed bound at first use, so the binding holds without
 * a manual `npm run keys:rotate`. Conditional on the ciphertexts read (keys replaced meanwhile are
 * left alone); a failure is logged, never thrown: the caller already has its keys.
 */
export async function bindAccountKeysOnUse(account: ExchangeAccount): Promise<"rotated" | "current" | "failed" | "changed"> {
  const sealed = [account.apiKeyEnc, account.apiSecretEnc, account.passphraseEnc].filter((v): v is string => Boolean(v));
  if (sealed.every(isAccountBound)) return "current";
  try {
    return await resealAccountKeys(await getDb(), account, appKeyring());
  } catch (error) {
    log().warn({ err: error }, "exchange keys not re-sealed");
    return "failed";
  }
}
