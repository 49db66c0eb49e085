"use client";

import { useActionState, useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { AlertCircle, Loader2, ShieldCheck, ShieldOff, Smartphone } from "lucide-react";
import {
  cancelTwoFactorAction,
  confirmTwoFactorAction,
  disableTwoFactorAction,
  regenerateRecoveryCodesAction,
  startTwoFactorAction,
} from "@/app/(dashboard)/dashboard/settings/two-factor/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { TwoFactorCodeForm } from "./two-factor-code-form";
import { TwoFactorRecoveryCodes } from "./two-factor-recovery-codes";

export type TwoFactorSetup = { qr: string; secret: string; uri: string };

/**
 * The whole 2FA settings panel. It stays mounted while the server page re-renders (after an action),
 * so recovery codes revealed by an action are kept here until the user says they saved them.
 */
export function TwoFactorManager({
  enabled,
  enabledAtLabel,
  remainingCodes,
  setup,
}: {
  enabled: boolean;
  enabledAtLabel: string | null;
  remainingCodes: number;
  setup: TwoFactorSetup | null;
}) {
  const t = useTranslations("twoFactor");
  const router = useRouter();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (codes) {
    return (
      <div className="grid gap-6">
        {notice ? <SuccessNote text={notice} /> : null}
        <TwoFactorRecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(null);
            setNotice(null);
            // The page already refreshed after the action; once more in case it had not.
            router.refresh();
          }}
        />
      </div>
    );
  }

  const reveal = (message: string) => (list: string[]) => {
    setNotice(message);
    setCodes(list);
  };

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      {notice ? <SuccessNote text={notice} className="lg:col-span-2" /> : null}
      <Card className="lg:col-span-2" data-testid="two-factor-status" data-enabled={enabled ? "true" : "false"}>
        <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
          <div className="grid gap-1.5">
            <CardTitle className="flex items-center gap-2">
              {enabled ? <ShieldCheck className="size-5 text-emerald-600" /> : <ShieldOff className="size-5 text-muted-foreground" />}
              {t("statusTitle")}
            </CardTitle>
            <CardDescription>{enabled ? t("onBody", { date: enabledAtLabel ?? "" }) : t("offBody")}</CardDescription>
          </div>
          <Badge variant={enabled ? "success" : "secondary"} data-testid="two-factor-badge">
            {enabled ? t("statusOn") : t("statusOff")}
          </Badge>
        </CardHeader>
        {enabled ? (
          <CardContent>
            <p className={remainingCodes <= 3 ? "text-sm font-medium text-amber-700 dark:text-amber-400" : "text-sm text-muted-foreground"} data-testid="recovery-codes-left">
              {t("remainingCodes", { count: remainingCodes })} {remainingCodes <= 3 ? t("lowCodes") : null}
            </p>
          </CardContent>
        ) : !setup ? (
          <CardContent>
            <StartButton onStart={() => setNotice(null)} />
          </CardContent>
        ) : null}
      </Card>

      {!enabled && setup ? (
        <>
          <Card data-testid="two-factor-setup">
            <CardHeader>
              <CardTitle>{t("setup.scanTitle")}</CardTitle>
              <CardDescription>{t("setup.scanBody")}</CardDescription>
            </CardHeader>
            <CardContent className="grid justify-items-center gap-4 sm:justify-items-start">
              {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL rendered on the server */}
              <img src={setup.qr} alt={t("setup.qrAlt")} width={208} height={208} className="rounded-lg border bg-white p-2" data-testid="two-factor-qr" />
              <div className="grid w-full gap-1">
                <p className="text-xs font-medium text-muted-foreground">{t("setup.secretLabel")}</p>
                <code className="break-all rounded bg-muted px-2 py-1.5 font-mono text-sm tracking-wider" data-testid="totp-secret" data-secret={setup.secret}>
                  {setup.secret.match(/.{1,4}/g)?.join(" ") ?? setup.secret}
                </code>
              </div>
              <Button asChild variant="outline" size="sm" className="w-full sm:w-fit">
                <a href={setup.uri}>
                  <Smartphone />
                  {t("setup.openInApp")}
                </a>
              </Button>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("setup.confirmTitle")}</CardTitle>
              <CardDescription>{t("setup.confirmBody")}</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4">
              <TwoFactorCodeForm
                action={confirmTwoFactorAction}
                testId="two-factor-confirm"
                label={t("codeLabel")}
                submitLabel={t("setup.confirm")}
                onCodes={reveal(t("enabled"))}
              />
              <form action={cancelTwoFactorAction} onSubmit={() => setNotice(null)}>
                <Button type="submit" variant="ghost" size="sm" data-testid="two-factor-cancel">
                  {t("setup.cancel")}
                </Button>
              </form>
            </CardContent>
          </Card>
        </>
      ) : null}

      {enabled ? (
        <>
          <Card>
            <CardHeader>
              <CardTitle>{t("regenerate.title")}</CardTitle>
              <CardDescription>{t("regenerate.body")}</CardDescription>
            </CardHeader>
            <CardContent>
              <TwoFactorCodeForm
                action={regenerateRecoveryCodesAction}
                testId="two-factor-regenerate"
                label={t("codeOrRecoveryLabel")}
                submitLabel={t("regenerate.submit")}
                submitVariant="outline"
                allowRecovery
                withPassword
                onCodes={reveal(t("regenerated"))}
              />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("disable.title")}</CardTitle>
              <CardDescription>{t("disable.body")}</CardDescription>
            </CardHeader>
            <CardContent>
              <TwoFactorCodeForm
                action={disableTwoFactorAction}
                testId="two-factor-disable"
                label={t("codeOrRecoveryLabel")}
                submitLabel={t("disable.submit")}
                submitVariant="destructive"
                allowRecovery
                withPassword
                confirm={{ title: t("disable.confirmTitle"), body: t("disable.confirmBody"), confirmLabel: t("disable.confirm") }}
                onSuccess={setNotice}
              />
            </CardContent>
          </Card>
        </>
      ) : null}
    </div>
  );
}

function SuccessNote({ text, className }: { text: string; className?: string }) {
  return (
    <Alert variant="success" className={className} data-testid="two-factor-notice">
      <ShieldCheck />
      <span>{text}</span>
    </Alert>
  );
}

function StartButton({ onStart }: { onStart: () => void }) {
  const t = useTranslations("twoFactor");
  const [state, action, pending] = useActionState<ActionState, FormData>(startTwoFactorAction, {});
  return (
    <form action={action} className="grid gap-3">
      {state.message && !state.ok ? (
        <Alert variant="destructive" data-testid="two-factor-start-message">
          <AlertCircle />
          <span>{state.message}</span>
        </Alert>
      ) : null}
      <Button type="submit" disabled={pending} className="w-full sm:w-fit" onClick={onStart} data-testid="two-factor-start">
        {pending ? <Loader2 className="animate-spin" /> : <ShieldCheck />}
        {t("turnOn")}
      </Button>
    </form>
  );
}
