import { dictionary } from "@zxcvbn-ts/language-common";

// About 49,000 of the most used passwords, gathered from public breach corpora by the zxcvbn project
// and shipped in its npm package: checked locally, no network call and nothing sent anywhere.
let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  return common;
}

/**
 * Whether a password is on the common list, ignoring case, or is one of them dressed up with digits
 * and symbols around it ("Password123!", "!!qwertyuiop2024") or repeated ("abc123abc123").
 */
export function isCommonPassword(password: string): boolean {
  const list = commonPasswords();
  const lower = password.toLowerCase();
  if (list.has(lower)) return true;
  const core = lower.replace(/^[\d\W_]+|[\d\W_]+$/g, "");
  if (core.length >= 4 && list.has(core)) return true;
  const half = lower.slice(0, lower.length / 2);
  return lower.length % 2 === 0 && half + half === lower && list.has(half);
}
