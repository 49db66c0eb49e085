import Link from "next/link";
import { devMailboxEnabled } from "@/lib/email";

/** Where the email went when no email service is configured (the dev mailbox exists outside production only). */
export function DevMailboxHint({ email, text, linkText }: { email: string; text: string; linkText: string }) {
  if (!devMailboxEnabled()) return null;
  return (
    <p className="rounded-md border border-dashed p-3 text-center text-xs text-muted-foreground">
      {text}{" "}
      <Link href={`/dev/mailbox?to=${encodeURIComponent(email)}`} className="font-medium text-primary hover:underline" data-testid="dev-mailbox-link">
        {linkText}
      </Link>
    </p>
  );
}
