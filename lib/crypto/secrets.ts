import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Exchange API keys at rest: AES-256-GCM with a key derived per user (HKDF-SHA256) from a master key.
 * Each ciphertext is stored beside the version of the master key that sealed it, so the master key can
 * be rotated (`npm run keys:rotate`) while older rows stay readable.
 */
export interface Keyring {
  current: number;
  keys: ReadonlyMap<number, string>;
}

export interface SecretContext {
  userId: string;
  /** What the secret is ("api_key", "api_secret", "passphrase"): bound into the ciphertext. */
  purpose: string;
  /**
   * The exchange account the secret belongs to. When given, the ciphertext is "v2" and binds it too, so
   * a sealed key copied onto another account row of the same user does not decrypt there.
   */
  accountId?: string;
}

export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`Stored secret could not be decrypted (${reason})`);
    this.name = "SecretDecryptionError";
  }
}

// "v1": additional data user|purpose. "v2": user|purpose|account. Both are read; "v2" is written
// whenever the context names an account (`npm run keys:rotate` moves "v1" exchange keys over).
const UNBOUND = "v1";
const ACCOUNT_BOUND = "v2";
const IV_BYTES = 12;
const TAG_BYTES = 16;

function deriveKey(master: string, userId: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(master, "utf8"), "signalbridge/api-keys", userId, 32));
}

function aad(ctx: SecretContext, format: string) {
  return Buffer.from(format === ACCOUNT_BOUND ? `${ctx.userId}|${ctx.purpose}|${ctx.accountId}` : `${ctx.userId}|${ctx.purpose}`, "utf8");
}

/** Whether a stored ciphertext binds its account (the "v2" format). */
export function isAccountBound(ciphertext: string): boolean {
  return ciphertext.startsWith(`${ACCOUNT_BOUND}.`);
}

export function encryptSecret(plaintext: string, ctx: SecretContext, keyring: Keyring) {
  const master = keyring.keys.get(keyring.current);
  if (!master) throw new Error(`Encryption key version ${keyring.current} is not configured`);
  const format = ctx.accountId ? ACCOUNT_BOUND : UNBOUND;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(master, ctx.userId), iv);
  cipher.setAAD(aad(ctx, format));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
  return { ciphertext: `${format}.${sealed}`, keyVersion: keyring.current };
}

export function decryptSecret(ciphertext: string, keyVersion: number, ctx: SecretContext, keyring: Keyring): string {
  const master = keyring.keys.get(keyVersion);
  if (!master) throw new SecretDecryptionError(`key version ${keyVersion} is not configured`);
  const [format, sealed] = ciphertext.split(".");
  if ((format !== UNBOUND && format !== ACCOUNT_BOUND) || !sealed) throw new SecretDecryptionError("unknown format");
  if (format === ACCOUNT_BOUND && !ctx.accountId) throw new SecretDecryptionError("the account it belongs to was not given");
  const raw = Buffer.from(sealed, "base64url");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretDecryptionError("truncated");
  const decipher = createDecipheriv("aes-256-gcm", deriveKey(master, ctx.userId), raw.subarray(0, IV_BYTES));
  decipher.setAAD(aad(ctx, format));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError("authentication failed");
  }
}

/**
 * Builds the keyring from ENCRYPTION_KEY (version ENCRYPTION_KEY_VERSION, default 1) and
 * ENCRYPTION_KEYS_PREVIOUS ("1:old-key,2:older-key") kept during a rotation.
 */
export function keyringFrom(vars: { key: string; version?: number; previous?: string }): Keyring {
  const current = vars.version ?? 1;
  const keys = new Map<number, string>();
  for (const entry of (vars.previous ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const sep = entry.indexOf(":");
    const version = Number(entry.slice(0, sep));
    if (sep < 1 || !Number.isInteger(version)) throw new Error("ENCRYPTION_KEYS_PREVIOUS must look like 1:key,2:key");
    keys.set(version, entry.slice(sep + 1));
  }
  keys.set(current, vars.key);
  return { current, keys };
}

/** What the UI may show of a key: its last four characters. */
export function keyHint(apiKey: string) {
  return apiKey.slice(-4);
}
