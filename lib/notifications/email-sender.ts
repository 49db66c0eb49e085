import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { EmailSendError, sendEmail } from "@/lib/email";
import type { ChannelSender } from "./types";

/** A refusal that no retry will change (a bad address, a key Resend refuses): goes straight to dead. */
export class PermanentSendError extends Error {
  constructor(public readonly code: string) {
    super(code);
    this.name = "PermanentSendError";
  }
}

/**
 * Email through Resend (or the dev mailbox). The delivery key is Resend's idempotency key, so a
 * delivery sent again after a crash between the call and its bookkeeping is not delivered twice.
 */
export const emailSender: ChannelSender = {
  channel: "email",
  configured: () => true,
  async send({ userId, deliveryKey, message }) {
    const db = await getDb();
    const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
    if (!user?.email) return { status: "skipped", reason: "no_email" };
    try {
      const sent = await sendEmail({ to: user.email, subject: message.subject, html: message.html, text: message.text, kind: "notification", idempotencyKey: deliveryKey });
      return { status: "sent", id: sent.id };
    } catch (error) {
      if (error instanceof EmailSendError && (error.code === "invalid_recipient" || error.status === 403 || error.status === 422)) {
        throw new PermanentSendError(error.code);
      }
      throw error;
    }
  },
};
