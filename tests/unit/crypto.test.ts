import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, isAccountBound, keyHint, keyringFrom, SecretDecryptionError } from "@/lib/crypto/secrets";

const master = "m".repeat(40);
const keyring = keyringFrom({ key: master });
const ctx = { userId: "2b1c8a2e-0000-4000-8000-000000000001", purpose: "api_secret" };

describe("API key encryption (AES-256-GCM, per-user key)", () => {
  it("round-trips and never stores the plaintext", () => {
    const sealed = encryptSecret("my-binance-secret", ctx, keyring);
    expect(sealed.keyVersion).toBe(1);
    expect(sealed.ciphertext.startsWith("v1.")).toBe(true);
    expect(sealed.ciphertext).not.toContain("my-binance-secret");
    expect(decryptSecret(sealed.ciphertext, sealed.keyVersion, ctx, keyring)).toBe("my-binance-secret");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same", ctx, keyring).ciphertext).not.toBe(encryptSecret("same", ctx, keyring).ciphertext);
  });

  it("detects tampering", () => {
    const { ciphertext } = encryptSecret("my-binance-secret", ctx, keyring);
    const raw = Buffer.from(ciphertext.slice(3), "base64url");
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    const tampered = `v1.${raw.toString("base64url")}`;
    expect(() => decryptSecret(tampered, 1, ctx, keyring)).toThrow(SecretDecryptionError);
  });

  it("binds the ciphertext to its user and purpose", () => {
    const { ciphertext } = encryptSecret("my-binance-secret", ctx, keyring);
    expect(() => decryptSecret(ciphertext, 1, { ...ctx, userId: "someone-else" }, keyring)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(ciphertext, 1, { ...ctx, purpose: "api_key" }, keyring)).toThrow(SecretDecryptionError);
  });

  it("binds an exchange key to its account: a ciphertext copied onto another account row does not open", () => {
    const accountA = { ...ctx, accountId: "7f0e6a52-0000-4000-8000-00000000000a" };
    const accountB = { ...ctx, accountId: "7f0e6a52-0000-4000-8000-00000000000b" };
    const sealed = encryptSecret("account-a-secret", accountA, keyring);
    expect(sealed.ciphertext.startsWith("v2.")).toBe(true);
    expect(isAccountBound(sealed.ciphertext)).toBe(true);
    expect(decryptSecret(sealed.ciphertext, 1, accountA, keyring)).toBe("account-a-secret");
    expect(() => decryptSecret(sealed.ciphertext, 1, accountB, keyring)).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(sealed.ciphertext, 1, ctx, keyring)).toThrow(/account it belongs to was not given/);
    // A prefix swapped to the unbound format does not open either: the additional data differ.
    expect(() => decryptSecret(sealed.ciphertext.replace(/^v2\./, "v1."), 1, accountA, keyring)).toThrow(SecretDecryptionError);
  });

  it("still opens ciphertexts sealed before the account was bound", () => {
    const legacy = encryptSecret("sealed-before", ctx, keyring);
    expect(isAccountBound(legacy.ciphertext)).toBe(false);
    expect(decryptSecret(legacy.ciphertext, 1, { ...ctx, accountId: "7f0e6a52-0000-4000-8000-00000000000a" }, keyring)).toBe("sealed-before");
  });

  it("reads old versions during a rotation and refuses unknown ones", () => {
    const old = encryptSecret("rotate-me", ctx, keyring);
    const rotated = keyringFrom({ key: "n".repeat(40), version: 2, previous: `1:${master}` });
    expect(decryptSecret(old.ciphertext, 1, ctx, rotated)).toBe("rotate-me");
    const resealed = encryptSecret("rotate-me", ctx, rotated);
    expect(resealed.keyVersion).toBe(2);
    expect(() => decryptSecret(resealed.ciphertext, 2, ctx, keyring)).toThrow(/key version 2 is not configured/);
    // The old master alone cannot open what the new one sealed.
    expect(() => decryptSecret(resealed.ciphertext, 1, ctx, rotated)).toThrow(SecretDecryptionError);
  });

  it("shows only the last four characters", () => {
    expect(keyHint("abcdefgh1234")).toBe("1234");
  });
});
