"use client";

import { startTransition, useActionState, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { AlertCircle, Loader2 } from "lucide-react";
import type { ActionState } from "@/lib/actions/validated-action";
import { reauthenticateAction } from "@/lib/auth/step-up-actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";

type Action = (prev: ActionState, data: FormData) => Promise<ActionState>;

/** Asks for the password again (or a 2FA code); on success the caller retries what it was doing. */
export function ReauthDialog({ open, onOpenChange, onConfirmed }: { open: boolean; onOpenChange: (open: boolean) => void; onConfirmed: () => void }) {
  const t = useTranslations("reauth");
  const [state, action, pending] = useActionState<ActionState, FormData>(async (prev, data) => {
    const result = await reauthenticateAction(prev, data);
    if (result.ok) onConfirmed();
    return result;
  }, {});
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent closeLabel={t("close")} data-testid="reauth-dialog">
        <form action={action} className="grid gap-4" noValidate>
          <DialogHeader>
            <DialogTitle>{t("title")}</DialogTitle>
            <DialogDescription>{t("body")}</DialogDescription>
          </DialogHeader>
          {state.message && !state.ok ? (
            <Alert variant="destructive" data-testid="reauth-message">
              <AlertCircle />
              <span>{state.message}</span>
            </Alert>
          ) : null}
          <FormField id="reauth-password" name="password" type="password" label={t("password")} autoComplete="current-password" autoFocus errors={state.errors?.password} data-testid="reauth-password" />
          <FormField id="reauth-code" name="code" label={t("code")} autoComplete="one-time-code" inputMode="numeric" maxLength={20} className="max-w-56 font-mono" errors={state.errors?.code} />
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="outline">
                {t("cancel")}
              </Button>
            </DialogClose>
            <Button type="submit" disabled={pending} data-testid="reauth-submit">
              {pending ? <Loader2 className="animate-spin" /> : null}
              {t("submit")}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/**
 * `useActionState` for an action behind a recent-authentication check: when the server answers
 * `reauth`, the dialog opens, and once the password is confirmed the same submission is sent again
 * (the form data is kept, since React resets the form after an action).
 */
export function useStepUpAction(serverAction: Action, initial: ActionState = {}) {
  const last = useRef<FormData | null>(null);
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState<ActionState, FormData>(async (prev, data) => {
    last.current = data;
    const result = (await serverAction(prev, data)) ?? {};
    if (result.reauth) setOpen(true);
    return result;
  }, initial);
  const retry = () => {
    setOpen(false);
    const data = last.current;
    if (data) startTransition(() => action(data));
  };
  const dialog = <ReauthDialog open={open} onOpenChange={setOpen} onConfirmed={retry} />;
  return [state, action, pending, dialog] as const;
}
