import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { DoorOpen, Hourglass, LogOut, MailCheck, RefreshCw, UserCheck } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { logoutAction } from "@/lib/auth/actions";
import { getSessionState } from "@/lib/auth/session";
import { ROLES } from "@/lib/auth/roles";
import { safeRedirectPath } from "@/lib/request";

export async function generateMetadata() {
  const t = await getTranslations("pending");
  return { title: t("title") };
}

export default async function PendingPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const wanted = safeRedirectPath((await searchParams).next);
  const state = await getSessionState();
  if (state.status === "anonymous") redirect("/login?callbackUrl=%2Fpending");
  if (state.status === "ended") redirect(`/api/session/end?reason=${state.reason}`);
  if (state.status === "unconfirmed") redirect(state.step === "email" ? "/verify-email" : "/confirm-device");
  // Approved since the token was issued: refresh the token and go in.
  if (state.user.role >= ROLES.trader) redirect(`/api/session/sync?next=${encodeURIComponent(wanted)}`);

  const t = await getTranslations("pending");
  const ta = await getTranslations("auth");
  return (
    <Card className="shadow-lg" data-testid="pending-approval">
      <CardContent className="flex flex-col items-center gap-4 p-8 text-center">
        <div className="flex size-14 items-center justify-center rounded-full bg-amber-500/15 text-amber-600">
          <Hourglass className="size-7" />
        </div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-sm leading-relaxed text-muted-foreground">{t("body", { name: state.user.name })}</p>
        <section className="w-full rounded-lg border bg-muted/40 p-4 text-left" aria-labelledby="pending-next" data-testid="pending-next">
          <h2 id="pending-next" className="mb-3 text-sm font-semibold">
            {t("nextTitle")}
          </h2>
          <ol className="grid gap-3 text-sm">
            {[
              { icon: UserCheck, text: t("stepReview") },
              { icon: MailCheck, text: t("stepEmail", { email: state.user.email }) },
              { icon: DoorOpen, text: t("stepClose") },
            ].map(({ icon: Icon, text }) => (
              <li key={text} className="flex items-start gap-3">
                <Icon className="mt-0.5 size-4 shrink-0 text-muted-foreground" aria-hidden />
                <span className="min-w-0 wrap-anywhere">{text}</span>
              </li>
            ))}
          </ol>
        </section>
        <p className="text-xs text-muted-foreground">{t("signedInAs", { email: state.user.email })}</p>
        <div className="mt-2 flex w-full flex-col gap-2 sm:flex-row">
          <Button asChild variant="outline" className="flex-1">
            <Link href="/pending" prefetch={false}>
              <RefreshCw />
              {t("check")}
            </Link>
          </Button>
          <form action={logoutAction} className="flex-1">
            <Button type="submit" variant="ghost" className="w-full">
              <LogOut />
              {ta("signOut")}
            </Button>
          </form>
        </div>
      </CardContent>
    </Card>
  );
}
