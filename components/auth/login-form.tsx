"use client";

import { useActionState } from "react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { AlertCircle, Loader2 } from "lucide-react";
import { loginAction } from "@/lib/auth/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";

export function LoginForm({ callbackUrl, notice }: { callbackUrl?: string; notice?: string }) {
  const t = useTranslations("auth");
  const [state, action, pending] = useActionState<ActionState, FormData>(loginAction, {});
  const message = state.message ?? notice;
  return (
    <form action={action} className="grid gap-4" noValidate>
      {message ? (
        <Alert variant="destructive" data-testid="form-message">
          <AlertCircle />
          <span>{message}</span>
        </Alert>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ""} />
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
        autoComplete="current-password"
        required
        errors={state.errors?.password}
      />
      <Link href="/forgot-password" className="-mt-2 justify-self-end text-xs font-medium text-primary hover:underline">
        {t("forgotPassword")}
      </Link>
      <Button type="submit" disabled={pending} className="mt-2 w-full">
        {pending ? <Loader2 className="animate-spin" /> : null}
        {pending ? t("signingIn") : t("signIn")}
      </Button>
    </form>
  );
}
