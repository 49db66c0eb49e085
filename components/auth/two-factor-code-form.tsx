"use client";

import { useActionState, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { AlertCircle, Loader2 } from "lucide-react";
import type { ActionState } from "@/lib/actions/validated-action";
import { Alert } from "@/components/ui/alert";
import { Button, type ButtonProps } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";

type Action = (prev: ActionState, data: FormData) => Promise<ActionState>;

/**
 * A form asking for a 2FA code (to confirm an enrolment, regenerate recovery codes or turn 2FA off).
 * With `confirm`, the submit button first opens a confirmation dialog. Recovery codes an action reveals
 * are handed to `onCodes`, so the parent keeps them even when this form disappears.
 */
export function TwoFactorCodeForm({
  action,
  testId,
  label,
  submitLabel,
  allowRecovery = false,
  withPassword = false,
  submitVariant = "default",
  onCodes,
  onSuccess,
  confirm,
}: {
  action: Action;
  testId: string;
  label: string;
  submitLabel: string;
  allowRecovery?: boolean;
  /** Asks for the account's password too (turning 2FA off, new recovery codes). */
  withPassword?: boolean;
  submitVariant?: ButtonProps["variant"];
  onCodes?: (codes: string[]) => void;
  onSuccess?: (message: string) => void;
  confirm?: { title: string; body: string; confirmLabel: string };
}) {
  const t = useTranslations("twoFactor");
  const formRef = useRef<HTMLFormElement>(null);
  const [open, setOpen] = useState(false);
  const [state, run, pending] = useActionState<ActionState, FormData>(async (prev, data) => {
    const result = await action(prev, data);
    setOpen(false);
    const codes = result.reveal?.codes;
    if (codes && onCodes) onCodes(codes.split("\n").filter(Boolean));
    else if (result.ok && result.message && onSuccess) onSuccess(result.message);
    return result;
  }, {});
  const fieldId = `${testId}-code`;
  return (
    <form ref={formRef} action={run} className="grid gap-3" data-testid={testId} noValidate>
      {state.message && !state.ok && !state.errors ? (
        <Alert variant="destructive" data-testid={`${testId}-message`}>
          <AlertCircle />
          <span>{state.message}</span>
        </Alert>
      ) : null}
      {withPassword ? (
        <FormField
          id={`${testId}-password`}
          name="password"
          type="password"
          label={t("passwordLabel")}
          autoComplete="current-password"
          className="max-w-72"
          errors={state.errors?.password}
          data-testid={`${testId}-password`}
        />
      ) : null}
      <FormField
        id={fieldId}
        name="code"
        label={label}
        autoComplete="one-time-code"
        inputMode={allowRecovery ? "text" : "numeric"}
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        maxLength={allowRecovery ? 20 : 7}
        placeholder={allowRecovery ? undefined : "123456"}
        className="max-w-56 font-mono tracking-widest"
        errors={state.errors?.code}
        data-testid={fieldId}
      />
      {confirm ? (
        <>
          <Button type="button" variant={submitVariant} disabled={pending} onClick={() => setOpen(true)} className="w-full sm:w-fit" data-testid={`${testId}-submit`}>
            {pending ? <Loader2 className="animate-spin" /> : null}
            {submitLabel}
          </Button>
          <Dialog open={open} onOpenChange={setOpen}>
            <DialogContent closeLabel={t("close")}>
              <DialogHeader>
                <DialogTitle>{confirm.title}</DialogTitle>
                <DialogDescription>{confirm.body}</DialogDescription>
              </DialogHeader>
              <DialogFooter>
                <DialogClose asChild>
                  <Button type="button" variant="outline">
                    {t("cancel")}
                  </Button>
                </DialogClose>
                <Button
                  type="button"
                  variant="destructive"
                  disabled={pending}
                  onClick={() => formRef.current?.requestSubmit()}
                  data-testid={`${testId}-confirm`}
                >
                  {pending ? <Loader2 className="animate-spin" /> : null}
                  {confirm.confirmLabel}
                </Button>
              </DialogFooter>
            </DialogContent>
          </Dialog>
        </>
      ) : (
        <Button type="submit" variant={submitVariant} disabled={pending} className="w-full sm:w-fit" data-testid={`${testId}-submit`}>
          {pending ? <Loader2 className="animate-spin" /> : null}
          {submitLabel}
        </Button>
      )}
    </form>
  );
}
