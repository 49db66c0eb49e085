import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { canReadDevMailbox } from "@/lib/auth/dev-mailbox";
import { listDevMailbox } from "@/lib/email";

// Read per request: the DEV_MAILBOX flag is a runtime setting, and the list changes all the time.
export const dynamic = "force-dynamic";

const LINK = /https?:\/\/[^\s<>"']+/g;

export async function generateMetadata() {
  if (!(await canReadDevMailbox())) return {};
  const t = await getTranslations("email");
  return { title: t("mailbox.title"), robots: { index: false, follow: false }, referrer: "no-referrer" as const };
}

/**
 * Emails stored in dev_mailbox (sent while RESEND_API_KEY is unset). Development only: in production
 * it does not exist (404) unless DEV_MAILBOX=true, which only the end-to-end run sets, since it uses
 * the production build and reads its email here. Never set DEV_MAILBOX on a real deployment. Even
 * then only the machine itself (loopback) or a signed-in admin gets it; anyone else gets a 404.
 * The check (canReadDevMailbox) runs on every request: the page is dynamic.
 */
export default async function DevMailboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (!(await canReadDevMailbox())) notFound();
  const params = await searchParams;
  const to = typeof params.to === "string" ? params.to.trim() : "";
  const [t, format, mails] = await Promise.all([getTranslations("email"), getFormatter(), listDevMailbox({ to, limit: 100 })]);

  return (
    <main className="mx-auto grid max-w-4xl gap-6 px-4 py-8">
      <header className="grid gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">{t("mailbox.title")}</h1>
        <p className="text-sm text-muted-foreground">{t("mailbox.subtitle")}</p>
      </header>

      <form method="get" className="flex flex-wrap items-center gap-2" role="search">
        <label htmlFor="mailbox-to" className="sr-only">
          {t("mailbox.filterTo")}
        </label>
        <Input id="mailbox-to" name="to" type="email" defaultValue={to} placeholder={t("mailbox.filterTo")} className="max-w-xs" />
        <Button type="submit" variant="outline">
          {t("mailbox.filter")}
        </Button>
        {to ? (
          <Link href="/dev/mailbox" className="text-sm font-medium text-primary hover:underline">
            {t("mailbox.clear")}
          </Link>
        ) : null}
        <span className="ml-auto text-sm text-muted-foreground" data-testid="mail-count">
          {t("mailbox.count", { count: mails.length })}
        </span>
      </form>

      {mails.length === 0 ? (
        <p className="rounded-lg border border-dashed p-8 text-center text-sm text-muted-foreground" data-testid="mailbox-empty">
          {t("mailbox.empty")}
        </p>
      ) : (
        <ul className="grid gap-3">
          {mails.map((mail, i) => {
            const links = Array.from(new Set(mail.text.match(LINK) ?? []));
            return (
              <li key={mail.id} className="rounded-lg border bg-card" data-testid="mail-item" data-kind={mail.kind} data-to={mail.to}>
                {/* The newest is open: a test (or a person) sees the latest link at once. */}
                <details open={i === 0}>
                  <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-4 gap-y-1 p-4">
                    <span className="font-medium" data-testid="mail-subject">
                      {mail.subject}
                    </span>
                    <span className="text-sm text-muted-foreground" data-testid="mail-to">
                      {t("mailbox.to")}: {mail.to}
                    </span>
                    <span className="text-xs text-muted-foreground">{mail.kind}</span>
                    <time className="ml-auto text-xs text-muted-foreground" dateTime={mail.createdAt.toISOString()}>
                      {format.dateTime(mail.createdAt, { dateStyle: "medium", timeStyle: "medium" })}
                    </time>
                  </summary>
                  <div className="grid gap-4 border-t p-4">
                    <section className="grid gap-2">
                      <h2 className="text-xs font-semibold uppercase text-muted-foreground">{t("mailbox.html")}</h2>
                      {/* No scripts, no forms; its buttons open their link in a new tab, as a mail client would. */}
                      <iframe
                        title={mail.subject}
                        srcDoc={mail.html}
                        sandbox="allow-popups allow-popups-to-escape-sandbox"
                        className="h-[640px] w-full rounded-md border bg-white"
                      />
                    </section>
                    {links.length ? (
                      <section className="grid gap-2">
                        <h2 className="text-xs font-semibold uppercase text-muted-foreground">{t("mailbox.links")}</h2>
                        <ul className="grid gap-1 text-sm">
                          {links.map((href) => (
                            <li key={href} className="break-all">
                              <a href={href} rel="noreferrer" className="text-primary hover:underline" data-testid="mail-link">
                                {href}
                              </a>
                            </li>
                          ))}
                        </ul>
                      </section>
                    ) : null}
                    <section className="grid gap-2">
                      <h2 className="text-xs font-semibold uppercase text-muted-foreground">{t("mailbox.text")}</h2>
                      <pre className="whitespace-pre-wrap break-all rounded-md bg-muted p-3 font-mono text-xs" data-testid="mail-text">
                        {mail.text}
                      </pre>
                    </section>
                  </div>
                </details>
              </li>
            );
          })}
        </ul>
      )}
    </main>
  );
}
