"use client";

import { useActionState } from "react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { AlertCircle, CheckCircle2, Loader2 } from "lucide-react";
import { resetPasswordAction } from "@/app/(auth)/reset-password/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";

export function ResetPasswordForm({ token }: { token: string }) {
  const t = useTranslations("email");
  const tAuth = useTranslations("auth");
  const [state, action, pending] = useActionState<ActionState, FormData>(resetPasswordAction, {});

  if (state.ok) {
    return (
      <div className="grid gap-4" data-testid="reset-done">
        <Alert variant="success" data-testid="form-message">
          <CheckCircle2 />
          <span>{state.message}</span>
        </Alert>
        <Button asChild className="w-full">
          <Link href="/login">{t("reset.signIn")}</Link>
        </Button>
      </div>
    );
  }

  // ok === false: the link itself failed (expired or used meanwhile); offer a new one.
  const linkFailed = state.ok === false;
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && !state.errors ? (
        <Alert variant="destructive" data-testid="form-message">
          <AlertCircle />
          <span>
            {state.message}{" "}
            {linkFailed ? (
              <Link href="/forgot-password" className="font-medium underline">
                {t("reset.requestNew")}
              </Link>
            ) : null}
          </span>
        </Alert>
      ) : null}
      <input type="hidden" name="token" value={token} />
      <FormField
        name="password"
        type="password"
        label={t("reset.newPassword")}
        autoComplete="new-password"
        hint={tAuth("passwordHint")}
        required
        errors={state.errors?.password}
      />
      <FormField
        name="confirmPassword"
        type="password"
        label={t("reset.confirmPassword")}
        autoComplete="new-password"
        required
        errors={state.errors?.confirmPassword}
      />
      <Button type="submit" disabled={pending || linkFailed} className="mt-2 w-full">
        {pending ? <Loader2 className="animate-spin" /> : null}
        {pending ? t("reset.submitting") : t("reset.submit")}
      </Button>
    </form>
  );
}
