import "server-only";
import { appKeyring, encryptSecret, keyHint } from "@/lib/crypto";
import { aiKeyContext } from "./key-seal";

/** The columns that store a source's API key: sealed like exchange keys, with its last 4 characters as a hint. */
export function sealAiKey(sourceId: string, apiKey: string) {
  const { ciphertext, keyVersion } = encryptSecret(apiKey, aiKeyContext(sourceId), appKeyring());
  return { apiKeyEnc: ciphertext, keyVersion, keyHint: keyHint(apiKey) };
}
