import { webhookCodeSamples, type CodeSample } from "@/lib/signals/code-samples";

/** The placeholder a sender replaces with the signal's secret; the page never prints the secret itself. */
export const SECRET_PLACEHOLDER = "YOUR_SECRET";

/**
 * The shell line that puts the HMAC key in SIGNAL_SECRET, which every sample reads. A "legacy" signal
 * signs with sha256(secret) in hex until its secret is rotated (lib/signals/secrets.ts).
 */
export function secretSetup(legacy: boolean): string {
  return legacy
    ? `export SIGNAL_SECRET=$(printf '%s' '${SECRET_PLACEHOLDER}' | openssl dgst -sha256 | sed 's/^.* //')`
    : `export SIGNAL_SECRET='${SECRET_PLACEHOLDER}'`;
}

/** What "How to send" shows: the same senders as the API documentation, for this signal's URL. */
export function sendSamples(url: string): CodeSample[] {
  return webhookCodeSamples(url);
}
