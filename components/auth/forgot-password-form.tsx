"use client";

import { useActionState } from "react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { AlertCircle, Loader2, MailCheck } from "lucide-react";
import { forgotPasswordAction } from "@/app/(auth)/forgot-password/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";

export function ForgotPasswordForm() {
  const t = useTranslations("email");
  const tAuth = useTranslations("auth");
  const [state, action, pending] = useActionState<ActionState, FormData>(forgotPasswordAction, {});

  if (state.ok) {
    return (
      <div className="grid gap-4">
        <Alert variant="success" data-testid="form-message">
          <MailCheck />
          <span>{state.message}</span>
        </Alert>
        <Button asChild variant="outline" className="w-full">
          <Link href="/login">{t("forgot.backToLogin")}</Link>
        </Button>
      </div>
    );
  }

  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && !state.errors ? (
        <Alert variant="destructive" data-testid="form-message">
          <AlertCircle />
          <span>{state.message}</span>
        </Alert>
      ) : null}
      <FormField
        name="email"
        type="email"
        label={tAuth("email")}
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        errors={state.errors?.email}
      />
      <Button type="submit" disabled={pending} className="mt-2 w-full">
        {pending ? <Loader2 className="animate-spin" /> : null}
        {pending ? t("forgot.submitting") : t("forgot.submit")}
      </Button>
    </form>
  );
}
