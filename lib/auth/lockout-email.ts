import "server-only";
import { appOrigin } from "@/lib/env";
import { renderLockout, sendEmail } from "@/lib/email";

/** Tells the owner their account was locked after repeated failed sign-ins, with a reset link. */
export async function sendLockoutEmail(user: { email: string; name: string; locale: string | null }, until: Date | null) {
  const mail = renderLockout({ locale: user.locale, name: user.name, until, resetLink: new URL("/forgot-password", appOrigin()).toString() });
  await sendEmail({ to: user.email, subject: mail.subject, html: mail.html, text: mail.text, kind: "lockout" });
}
