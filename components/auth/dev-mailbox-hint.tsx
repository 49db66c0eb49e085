import Link from "next/link";
import { canReadDevMailbox } from "@/lib/auth/dev-mailbox";

/** Where the email went when no email service is configured, for whoever may read the dev mailbox. */
export async function DevMailboxHint({ email, text, linkText }: { email: string; text: string; linkText: string }) {
  if (!(await canReadDevMailbox())) return null;
  return (
    <p className="rounded-md border border-dashed p-3 text-center text-xs text-muted-foreground">
      {text}{" "}
      <Link href={`/dev/mailbox?to=${encodeURIComponent(email)}`} className="font-medium text-primary hover:underline" data-testid="dev-mailbox-link">
        {linkText}
      </Link>
    </p>
  );
}
