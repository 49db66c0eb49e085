"use client";

import { useActionState, useState } from "react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { AlertCircle, ArrowLeft, Loader2, ShieldCheck } from "lucide-react";
import { loginAction } from "@/lib/auth/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";

type Step = "password" | "code";

/**
 * Sign-in in up to two steps. When the account has 2FA the server answers "code needed": the form keeps
 * email and password in this component's state (the server never echoes the password back) and asks
 * for a code, then sends all three together.
 */
export function LoginForm({ callbackUrl, notice, rememberDays }: { callbackUrl?: string; notice?: string; rememberDays: number }) {
  const t = useTranslations("auth");
  const t2 = useTranslations("twoFactor.login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);
  const [step, setStep] = useState<Step>("password");
  const [showMessage, setShowMessage] = useState(true);
  const [state, action, pending] = useActionState<ActionState, FormData>(async (prev, data) => {
    const result: ActionState = (await loginAction(prev, data)) ?? {};
    setStep(result.values?.step === "code" ? "code" : "password");
    setShowMessage(true);
    return result;
  }, {});
  const message = showMessage ? (state.message ?? (step === "password" ? notice : undefined)) : undefined;

  function back() {
    setStep("password");
    setPassword("");
    setShowMessage(false);
  }

  return (
    <form action={action} className="grid gap-4" noValidate data-testid="login-form" data-step={step}>
      {message ? (
        <Alert variant="destructive" data-testid="form-message">
          <AlertCircle />
          <span>{message}</span>
        </Alert>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ""} />
      {step === "password" ? (
        <>
          <FormField
            name="email"
            type="email"
            label={t("email")}
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            errors={state.errors?.email}
          />
          <FormField
            name="password"
            type="password"
            label={t("password")}
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            errors={state.errors?.password}
          />
          <Link href="/forgot-password" className="-mt-2 justify-self-end text-xs font-medium text-primary hover:underline">
            {t("forgotPassword")}
          </Link>
          <label className="flex items-start gap-2 text-sm" htmlFor="login-remember">
            <input
              id="login-remember"
              name="remember"
              type="checkbox"
              checked={remember}
              onChange={(e) => setRemember(e.target.checked)}
              className="mt-0.5 size-4 accent-primary"
              data-testid="login-remember"
            />
            <span className="grid gap-0.5">
              <span className="font-medium">{t("rememberMe")}</span>
              <span className="text-xs text-muted-foreground">{t("rememberHint", { days: rememberDays })}</span>
            </span>
          </label>
          <Button type="submit" disabled={pending} className="mt-2 w-full">
            {pending ? <Loader2 className="animate-spin" /> : null}
            {pending ? t("signingIn") : t("signIn")}
          </Button>
        </>
      ) : (
        <>
          <input type="hidden" name="email" value={email} />
          <input type="hidden" name="password" value={password} />
          <input type="hidden" name="step" value="code" />
          {remember ? <input type="hidden" name="remember" value="on" /> : null}
          <div className="flex items-start gap-3 rounded-lg border bg-muted/40 p-3 text-sm" data-testid="two-factor-prompt">
            <ShieldCheck className="mt-0.5 size-4 shrink-0 text-primary" />
            <div className="grid gap-0.5">
              <p>{t2("prompt")}</p>
              <p className="break-all text-xs text-muted-foreground">{email}</p>
            </div>
          </div>
          <FormField
            id="login-code"
            name="code"
            label={t2("codeLabel")}
            autoComplete="one-time-code"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            maxLength={20}
            autoFocus
            className="font-mono tracking-widest"
            data-testid="login-code"
            errors={state.errors?.code}
          />
          <Button type="submit" disabled={pending} className="mt-2 w-full" data-testid="login-verify">
            {pending ? <Loader2 className="animate-spin" /> : null}
            {pending ? t2("verifying") : t2("verify")}
          </Button>
          <Button type="button" variant="ghost" size="sm" onClick={back} className="justify-self-center" data-testid="login-back">
            <ArrowLeft />
            {t2("back")}
          </Button>
        </>
      )}
    </form>
  );
}
