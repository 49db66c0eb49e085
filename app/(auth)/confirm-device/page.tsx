import { redirect } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { MonitorSmartphone } from "lucide-react";
import { DeviceAnswerForm, ResendButton, WaitingPoller } from "@/components/auth/device-forms";
import { Alert } from "@/components/ui/alert";
import { DevMailboxHint } from "@/components/auth/dev-mailbox-hint";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { logoutAction } from "@/lib/auth/actions";
import { peekDeviceLink } from "@/lib/auth/devices";
import { getSessionState } from "@/lib/auth/session";

export async function generateMetadata() {
  const t = await getTranslations("confirmDevice");
  return { title: t("waitTitle"), referrer: "no-referrer" as const };
}

export default async function ConfirmDevicePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const t = await getTranslations("confirmDevice");
  const token = typeof params.token === "string" ? params.token : null;

  if (token) {
    const link = await peekDeviceLink(token);
    const format = await getFormatter();
    const or = (value: string | null) => (value && value !== "unknown" ? value : t("unknown"));
    return (
      <Card className="shadow-lg" data-testid="device-question">
        <CardHeader className="text-center">
          <CardTitle className="text-2xl">{link.ok ? t("questionTitle") : t(`${link.reason}Title`)}</CardTitle>
          {link.ok ? <CardDescription>{t("questionBody")}</CardDescription> : null}
        </CardHeader>
        <CardContent className="grid gap-4">
          {link.ok ? (
            <>
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 rounded-lg border bg-muted/40 p-4 text-sm" data-testid="device-details">
                <dt className="text-muted-foreground">{t("browser")}</dt>
                <dd className="font-medium">{or(link.browser)}</dd>
                <dt className="text-muted-foreground">{t("os")}</dt>
                <dd className="font-medium">{or(link.os)}</dd>
                <dt className="text-muted-foreground">{t("country")}</dt>
                <dd className="font-medium">{or(link.country)}</dd>
                <dt className="text-muted-foreground">{t("ip")}</dt>
                <dd className="font-mono">{or(link.ip)}</dd>
                <dt className="text-muted-foreground">{t("time")}</dt>
                <dd>{format.dateTime(link.lastSeenAt, { dateStyle: "medium", timeStyle: "short" })} UTC</dd>
              </dl>
              {link.status === "pending" ? (
                <DeviceAnswerForm token={token} answer={link.answer} />
              ) : (
                <Alert data-testid="form-message">{t("notPending")}</Alert>
              )}
            </>
          ) : (
            <Alert variant="destructive" data-testid="link-problem" data-reason={link.reason}>
              {t(link.reason)}
            </Alert>
          )}
        </CardContent>
      </Card>
    );
  }

  const state = await getSessionState();
  if (state.status === "anonymous") redirect("/login");
  if (state.status === "ended") redirect(`/api/session/end?reason=${state.reason}`);
  if (state.status === "unconfirmed" && state.step === "email") redirect("/verify-email");
  if (state.status !== "unconfirmed") redirect("/api/session/sync?next=%2Fdashboard");

  return (
    <Card className="shadow-lg" data-testid="confirm-device-wait">
      <CardHeader className="text-center">
        <div className="mx-auto mb-2 flex size-12 items-center justify-center rounded-full bg-amber-500/15 text-amber-600">
          <MonitorSmartphone className="size-6" />
        </div>
        <CardTitle className="text-2xl">{t("waitTitle")}</CardTitle>
        <CardDescription>{t("waitBody", { email: state.user.email })}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <p className="text-center text-sm text-muted-foreground">{t("waitHint")}</p>
        <WaitingPoller label={t("waiting")} />
        <DevMailboxHint email={state.user.email} text={t("devMailbox")} linkText={t("openMailbox")} />
        <ResendButton kind="device" />
        <form action={logoutAction}>
          <Button type="submit" variant="ghost" className="w-full" data-testid="cancel-sign-in">
            {t("signOut")}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
