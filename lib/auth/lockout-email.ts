import "server-only";
import { env } from "@/lib/env";
import { renderLockout, sendEmail } from "@/lib/email";

/** Tells the owner their account was locked after repeated failed sign-ins, with a reset link. */
export async function sendLockoutEmail(user: { email: string; name: string; locale: string | null }, until: Date | null) {
  const base = (env().APP_URL ?? process.env.AUTH_URL ?? "http://localhost:3000").replace(/\/$/, "");
  const mail = renderLockout({ locale: user.locale, name: user.name, until, resetLink: `${base}/forgot-password` });
  await sendEmail({ to: user.email, subject: mail.subject, html: mail.html, text: mail.text, kind: "lockout" });
}
