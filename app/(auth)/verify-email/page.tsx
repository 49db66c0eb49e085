import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { Mail } from "lucide-react";
import { ConfirmEmailForm, ResendButton } from "@/components/auth/device-forms";
import { DevMailboxHint } from "@/components/auth/dev-mailbox-hint";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { logoutAction } from "@/lib/auth/actions";
import { getSessionState } from "@/lib/auth/session";

export async function generateMetadata() {
  const t = await getTranslations("verify");
  // The token is in the address: never send it on as a Referer.
  return { title: t("title"), referrer: "no-referrer" as const };
}

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const t = await getTranslations("verify");
  const token = typeof params.token === "string" ? params.token : null;

  if (token) {
    return (
      <Card className="shadow-lg">
        <CardHeader className="text-center">
          <CardTitle className="text-2xl">{t("confirmTitle")}</CardTitle>
        </CardHeader>
        <CardContent>
          <ConfirmEmailForm token={token} />
        </CardContent>
      </Card>
    );
  }

  const state = await getSessionState();
  if (state.status === "anonymous") redirect("/login");
  if (state.status === "ended") redirect(`/api/session/end?reason=${state.reason}`);
  if (state.status !== "unconfirmed" || state.step !== "email") redirect("/api/session/sync?next=%2Fdashboard");

  return (
    <Card className="shadow-lg" data-testid="verify-email-wait">
      <CardHeader className="text-center">
        <div className="mx-auto mb-2 flex size-12 items-center justify-center rounded-full bg-primary/10 text-primary">
          <Mail className="size-6" />
        </div>
        <CardTitle className="text-2xl">{t("title")}</CardTitle>
        <CardDescription>{t("body", { email: state.user.email })}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <p className="text-center text-sm text-muted-foreground">{t("why")}</p>
        <DevMailboxHint email={state.user.email} text={t("devMailbox")} linkText={t("openMailbox")} />
        <ResendButton kind="email" />
        <form action={logoutAction}>
          <Button type="submit" variant="ghost" className="w-full">
            {t("signOut")}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
