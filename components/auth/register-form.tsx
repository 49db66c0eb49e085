"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { AlertCircle, Loader2 } from "lucide-react";
import { registerAction } from "@/lib/auth/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";

export function RegisterForm() {
  const t = useTranslations("auth");
  const [state, action, pending] = useActionState<ActionState, FormData>(registerAction, {});
  return (
    <form action={action} className="grid gap-4" noValidate>
      {state.message && !state.errors ? (
        <Alert variant="destructive" data-testid="form-message">
          <AlertCircle />
          <span>{state.message}</span>
        </Alert>
      ) : null}
      <FormField name="name" label={t("name")} autoComplete="name" required defaultValue={state.values?.name} errors={state.errors?.name} />
      <FormField
        name="email"
        type="email"
        label={t("email")}
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        errors={state.errors?.email}
      />
      <FormField
        name="password"
        type="password"
        label={t("password")}
        autoComplete="new-password"
        hint={t("passwordHint")}
        required
        errors={state.errors?.password}
      />
      <FormField
        name="confirmPassword"
        type="password"
        label={t("confirmPassword")}
        autoComplete="new-password"
        required
        errors={state.errors?.confirmPassword}
      />
      <Button type="submit" disabled={pending} className="mt-2 w-full">
        {pending ? <Loader2 className="animate-spin" /> : null}
        {pending ? t("creating") : t("createAccount")}
      </Button>
    </form>
  );
}
