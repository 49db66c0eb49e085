import "server-only";
import { env } from "@/lib/env";
import { keyringFrom, type Keyring } from "./secrets";

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
