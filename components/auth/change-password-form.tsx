"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { AlertCircle, CheckCircle2, Loader2 } from "lucide-react";
import { changePasswordAction } from "@/app/(dashboard)/dashboard/settings/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";

/** Settings → Password. React clears the fields after each submit, which is what a password form wants. */
export function ChangePasswordForm() {
  const t = useTranslations("passwordChange");
  const [state, action, pending] = useActionState<ActionState, FormData>(changePasswordAction, {});
  return (
    <form action={action} className="grid gap-4" noValidate data-testid="change-password-form">
      {state.message ? (
        <Alert variant={state.ok ? "success" : "destructive"} data-testid="form-message" aria-live="polite">
          {state.ok ? <CheckCircle2 /> : <AlertCircle />}
          <span>{state.message}</span>
        </Alert>
      ) : null}
      <FormField name="currentPassword" type="password" label={t("current")} autoComplete="current-password" required errors={state.errors?.currentPassword} />
      <FormField name="password" type="password" label={t("new")} hint={t("hint")} autoComplete="new-password" required errors={state.errors?.password} />
      <FormField name="confirmPassword" type="password" label={t("confirm")} autoComplete="new-password" required errors={state.errors?.confirmPassword} />
      <Button type="submit" disabled={pending} className="w-full sm:w-fit" data-testid="change-password-submit">
        {pending ? <Loader2 className="animate-spin" /> : null}
        {t("submit")}
      </Button>
    </form>
  );
}
