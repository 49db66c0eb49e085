import "server-only";
import { desc, eq } from "drizzle-orm";
import { Resend } from "resend";
import { getDb } from "@/db/client";
import { devMailbox } from "@/db/schema";
import { env } from "@/lib/env";
import { log } from "@/lib/logger";

export const EMAIL_TIMEOUT_MS = 10_000;

export const DEFAULT_EMAIL_FROM = "SignalBridge <no-reply@signalbridge.local>";

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** What the email is for ("password_reset", "lockout"...): logged and stored, never the body. */
  kind: string;
  /** Resend's `Idempotency-Key`: a retry with the same key within 24 hours is not sent again. */
  idempotencyKey?: string;
}

export interface SentEmail {
  transport: "resend" | "dev_mailbox";
  /** Resend's message id, or the dev_mailbox row id. */
  id: string;
}

/** Sending failed; the message names the cause but never the API key or the email's content. */
export class EmailSendError extends Error {
  constructor(
    message: string,
    public readonly code: string,
    public readonly status: number | null,
  ) {
    super(message);
    this.name = "EmailSendError";
  }
}

// One client per key + base URL: Resend reads its base URL when constructed.
let cached: { key: string; baseUrl: string | undefined; client: Resend } | undefined;

function resendClient(key: string): Resend {
  const baseUrl = process.env.RESEND_BASE_URL?.trim().replace(/\/+$/, "") || undefined;
  if (!cached || cached.key !== key || cached.baseUrl !== baseUrl) {
    cached = { key, baseUrl, client: new Resend(key, baseUrl ? { baseUrl } : undefined) };
  }
  return cached.client;
}

function emailFrom(): string {
  return process.env.EMAIL_FROM?.trim() || DEFAULT_EMAIL_FROM;
}

/** Only the domain of the recipient goes to the log. */
export function recipientDomain(to: string): string {
  const at = to.lastIndexOf("@");
  return at >= 0 ? to.slice(at + 1).toLowerCase() : "?";
}

function redact(message: string, key: string): string {
  return (key ? message.split(key).join("[redacted]") : message).replace(/re_[A-Za-z0-9_]{8,}/g, "[redacted]").slice(0, 300);
}

let warnedNoKey = false;

/**
 * Sends one email: through Resend when RESEND_API_KEY is set (RESEND_BASE_URL points the client at
 * another server, e.g. a test double), otherwise into the dev_mailbox table, readable at /dev/mailbox.
 */
export async function sendEmail(email: OutgoingEmail): Promise<SentEmail> {
  const to = email.to.trim().toLowerCase();
  if (!to || /[\r\n,;]/.test(to)) throw new EmailSendError("Email not sent: the recipient address is not valid.", "invalid_recipient", null);
  const key = process.env.RESEND_API_KEY?.trim();

  if (!key) {
    if (process.env.NODE_ENV === "production" && !warnedNoKey) {
      warnedNoKey = true;
      log().warn("RESEND_API_KEY is not set (EMAIL_DISABLED=true): emails are stored in dev_mailbox, not delivered");
    }
    const db = await getDb();
    const [row] = await db
      .insert(devMailbox)
      .values({ to, subject: email.subject, html: email.html, text: email.text, kind: email.kind })
      .returning({ id: devMailbox.id });
    log().info({ kind: email.kind, domain: recipientDomain(to) }, "email stored in dev_mailbox");
    return { transport: "dev_mailbox", id: row?.id ?? "" };
  }

  const { data, error } = await resendClient(key).emails.send(
    { from: emailFrom(), to, subject: email.subject, html: email.html, text: email.text },
    // An unanswered send fails (and is reported) instead of holding the request that wanted it.
    { signal: AbortSignal.timeout(EMAIL_TIMEOUT_MS), ...(email.idempotencyKey ? { idempotencyKey: email.idempotencyKey } : {}) },
  );
  if (error || !data) {
    const name = error?.name ?? "unknown_error";
    const status = error?.statusCode ?? null;
    log().warn({ kind: email.kind, domain: recipientDomain(to), errorName: name, status }, "email not sent");
    throw new EmailSendError(
      `Email not sent (${name}${status ? `, HTTP ${status}` : ""}): ${redact(error?.message ?? "no response", key)}`,
      name,
      status,
    );
  }
  log().info({ kind: email.kind, domain: recipientDomain(to) }, "email sent via Resend");
  return { transport: "resend", id: data.id };
}

export type DevMail = typeof devMailbox.$inferSelect;

/** The dev mailbox, newest first, optionally for one recipient (case-insensitive). */
export async function listDevMailbox({ to, limit = 50 }: { to?: string | null; limit?: number } = {}): Promise<DevMail[]> {
  const db = await getDb();
  const recipient = to?.trim().toLowerCase();
  return db
    .select()
    .from(devMailbox)
    // Stored lower-case, so the (to, created_at) index serves the filter.
    .where(recipient ? eq(devMailbox.to, recipient) : undefined)
    .orderBy(desc(devMailbox.createdAt))
    .limit(Math.min(Math.max(1, Math.trunc(limit) || 1), 500));
}

/**
 * Whether /dev/mailbox exists at all: always outside production; in production only with
 * DEV_MAILBOX=true (the end-to-end suite runs `next start` and reads its mail there). Who may read it
 * is decided by canReadDevMailbox (lib/auth/dev-mailbox).
 */
export function devMailboxEnabled(): boolean {
  const e = env();
  return e.NODE_ENV !== "production" || e.DEV_MAILBOX;
}
