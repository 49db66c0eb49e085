/**
 * `npm run keys:rotate`: re-encrypts every stored exchange key, TOTP secret, signal signing key and AI
 * source API key under the current master key.
 * Set the new key in ENCRYPTION_KEY, raise ENCRYPTION_KEY_VERSION, keep the old one in
 * ENCRYPTION_KEYS_PREVIOUS ("1:old-key"), run this, then remove the old key.
 */
import { openDatabase } from "../db/client";
import { keyringFrom } from "../lib/crypto/secrets";
import { reencryptAllKeys, reencryptTotpSecrets } from "../lib/crypto/rotate";
import { resealSignalKeys } from "../lib/signals/key-seal";
import { resealAiSourceKeys } from "../lib/ai-sources/key-seal";
import { ensureLocalSecrets } from "../lib/env/local-secrets.mjs";
import { parseEnv } from "../lib/env";

ensureLocalSecrets();
const e = parseEnv(process.env);
const keyring = keyringFrom({ key: e.ENCRYPTION_KEY, version: e.ENCRYPTION_KEY_VERSION, previous: e.ENCRYPTION_KEYS_PREVIOUS });
const handle = await openDatabase({ url: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR, migrate: !e.DATABASE_URL });
try {
  const { rotated, failed, changed } = await reencryptAllKeys(handle.db, keyring);
  console.log(`Re-encrypted ${rotated} account(s) under key version ${keyring.current}.`);
  if (changed.length) console.log(`${changed.length} account(s) got new keys during the run and were left as they are: ${changed.join(", ")}`);
  if (failed.length) {
    console.error(`${failed.length} account(s) could not be decrypted with the configured keys: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
  const signalKeys = await resealSignalKeys(handle.db, keyring);
  console.log(`Re-sealed ${signalKeys.rotated} signal signing key(s) under key version ${keyring.current}.`);
  if (signalKeys.failed.length) {
    console.error(`${signalKeys.failed.length} signal key(s) could not be decrypted with the configured keys (signal ids): ${signalKeys.failed.join(", ")}`);
    process.exitCode = 1;
  }
  const aiKeys = await resealAiSourceKeys(handle.db, keyring);
  console.log(`Re-sealed ${aiKeys.rotated} AI source API key(s) under key version ${keyring.current}.`);
  if (aiKeys.failed.length) {
    console.error(`${aiKeys.failed.length} AI source key(s) could not be decrypted with the configured keys (source ids): ${aiKeys.failed.join(", ")}`);
    process.exitCode = 1;
  }
  const totp = await reencryptTotpSecrets(handle.db, keyring);
  console.log(`Re-encrypted ${totp.rotated} two-factor secret(s) under key version ${keyring.current}.`);
  if (totp.failed.length) {
    console.error(`${totp.failed.length} two-factor secret(s) could not be decrypted with the configured keys (user ids): ${totp.failed.join(", ")}`);
    process.exitCode = 1;
  }
} finally {
  await handle.close();
}
