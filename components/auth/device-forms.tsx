"use client";

import { useActionState, useEffect, useState, useTransition } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { AlertCircle, CheckCircle2, Loader2, MailCheck, ShieldAlert, ShieldCheck } from "lucide-react";
import {
  answerDeviceAction,
  confirmEmailAction,
  resendDeviceEmailAction,
  resendVerificationAction,
  type LinkActionState,
} from "@/lib/auth/device-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

function Problem({ ns, reason }: { ns: "verify" | "confirmDevice"; reason: "invalid" | "expired" | "used" }) {
  const t = useTranslations(ns);
  return (
    <div className="grid gap-3" data-testid="link-problem" data-reason={reason}>
      <h2 className="text-lg font-semibold">{t(`${reason}Title`)}</h2>
      <Alert variant="destructive" data-testid="form-message">
        <AlertCircle />
        <span>{t(reason)}</span>
      </Alert>
    </div>
  );
}

function Note({ state }: { state: LinkActionState }) {
  if (!state.message) return null;
  return (
    <Alert variant={state.ok ? "success" : "destructive"} data-testid="form-message" aria-live="polite">
      {state.ok ? <CheckCircle2 /> : <AlertCircle />}
      <span>{state.message}</span>
    </Alert>
  );
}

/** The page an email verification link opens: one button, so a mail scanner's GET changes nothing. */
export function ConfirmEmailForm({ token }: { token: string }) {
  const t = useTranslations("verify");
  const [state, action, pending] = useActionState(confirmEmailAction, {});
  if (state.problem) return <Problem ns="verify" reason={state.problem} />;
  if (state.done) {
    return (
      <div className="grid gap-4 text-center" data-testid="email-verified">
        <MailCheck className="mx-auto size-10 text-emerald-600" />
        <h2 className="text-lg font-semibold">{t("doneTitle")}</h2>
        <p className="text-sm text-muted-foreground">{t(state.waiting ? "doneWaiting" : "doneBody")}</p>
        <Button asChild className="w-full">
          <Link href="/api/session/sync?next=%2Fdashboard" data-testid="verified-continue">
            {t("continue")}
          </Link>
        </Button>
      </div>
    );
  }
  return (
    <form action={action} className="grid gap-4">
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-muted-foreground">{t("confirmBody")}</p>
      <Note state={state} />
      <Button type="submit" disabled={pending} className="w-full" data-testid="confirm-email">
        {pending ? <Loader2 className="animate-spin" /> : null}
        {t("confirmButton")}
      </Button>
    </form>
  );
}

/** "Yes, it was me" or "No, block it" for the device an email asks about: the one answer its link gives. */
export function DeviceAnswerForm({ token, answer }: { token: string; answer: "yes" | "no" }) {
  const t = useTranslations("confirmDevice");
  const [state, action, pending] = useActionState(answerDeviceAction, {});
  if (state.problem) return <Problem ns="confirmDevice" reason={state.problem} />;
  if (state.done === "yes") {
    return (
      <div className="grid gap-3 text-center" data-testid="device-answered" data-answer="yes">
        <ShieldCheck className="mx-auto size-10 text-emerald-600" />
        <h2 className="text-lg font-semibold">{t("trustedTitle")}</h2>
        <p className="text-sm text-muted-foreground">{t("trustedBody")}</p>
      </div>
    );
  }
  if (state.done === "no") {
    return (
      <div className="grid gap-3 text-center" data-testid="device-answered" data-answer="no">
        <ShieldAlert className="mx-auto size-10 text-destructive" />
        <h2 className="text-lg font-semibold">{t("declinedTitle")}</h2>
        <p className="text-sm text-muted-foreground">{t("declinedBody")}</p>
        <Button asChild className="w-full">
          <Link href="/forgot-password" data-testid="change-password">
            {t("changePassword")}
          </Link>
        </Button>
      </div>
    );
  }
  return (
    <form action={action} className="grid gap-3">
      <input type="hidden" name="token" value={token} />
      <Note state={state} />
      <input type="hidden" name="answer" value={answer} />
      <Button type="submit" disabled={pending} variant={answer === "no" ? "destructive" : "default"} data-testid={`device-${answer}`}>
        {t(answer)}
      </Button>
      <p className="text-center text-sm text-muted-foreground">{t(answer === "yes" ? "otherLinkYes" : "otherLinkNo")}</p>
    </form>
  );
}

/** A "send it again" button for the waiting pages. */
export function ResendButton({ kind }: { kind: "email" | "device" }) {
  const t = useTranslations(kind === "email" ? "verify" : "confirmDevice");
  const [state, action, pending] = useActionState(kind === "email" ? resendVerificationAction : resendDeviceEmailAction, {});
  return (
    <form action={action} className="grid gap-3">
      <Note state={state} />
      <Button type="submit" variant="outline" disabled={pending} className="w-full" data-testid="resend">
        {pending ? <Loader2 className="animate-spin" /> : null}
        {t("resend")}
      </Button>
    </form>
  );
}

/** Re-renders the waiting page every few seconds; the server redirects once the device is confirmed. */
export function WaitingPoller({ label }: { label: string }) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const [ticks, setTicks] = useState(0);
  useEffect(() => {
    const id = setInterval(() => {
      startTransition(() => router.refresh());
      setTicks((n) => n + 1);
    }, 3000);
    return () => clearInterval(id);
  }, [router]);
  return (
    <p className="flex items-center justify-center gap-2 text-sm text-muted-foreground" data-testid="waiting" data-ticks={ticks}>
      <Loader2 className="size-4 animate-spin" />
      {label}
    </p>
  );
}
