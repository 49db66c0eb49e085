"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { KeyRound, Loader2, Plus } from "lucide-react";
import { createSignalAction, rotateSignalSecretAction, setSignalEnabledAction } from "@/app/admin/signals/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { CopyButton } from "./copy-button";
import { cn } from "@/lib/utils";

/** The secret, shown this once; the template carries it so the admin can paste it into TradingView. */
function SecretReveal({ secret, template }: { secret: string; template: string }) {
  const t = useTranslations("signals");
  const filled = template.replace("YOUR_SECRET", secret);
  return (
    <Alert className="border-amber-500/50 bg-amber-500/5" data-testid="secret-reveal">
      <KeyRound className="text-amber-600" />
      <div className="grid min-w-0 flex-1 gap-2">
        <p className="font-medium">{t("secretOnce")}</p>
        <code className="break-all rounded bg-background px-2 py-1 font-mono text-xs" data-testid="signal-secret">
          {secret}
        </code>
        <div className="flex flex-wrap gap-2">
          <CopyButton text={secret} label={t("copySecret")} />
          <CopyButton text={filled} label={t("copyTemplate")} />
        </div>
      </div>
    </Alert>
  );
}

export function CreateSignalForm({ templates }: { templates: Record<string, string> }) {
  const t = useTranslations("signals");
  const [state, action, pending] = useActionState<ActionState, FormData>(createSignalAction, {});
  const name = state.reveal?.name ?? "";
  return (
    <div className="grid gap-4">
      <form action={action} className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-start" data-testid="create-signal-form" noValidate>
        <FormField name="name" label={t("name")} hint={t("nameHint")} defaultValue={state.values?.name} errors={state.errors?.name} />
        <FormField name="description" label={t("description")} defaultValue={state.values?.description} errors={state.errors?.description} />
        <Button type="submit" disabled={pending} className="sm:mt-7" data-testid="create-signal">
          {pending ? <Loader2 className="animate-spin" /> : <Plus />}
          {t("create")}
        </Button>
      </form>
      {state.reveal?.secret ? <SecretReveal secret={state.reveal.secret} template={templates[name] ?? templates["*"] ?? ""} /> : null}
      {state.message && !state.reveal ? <p className={cn("text-sm", state.ok ? "text-emerald-600" : "text-destructive")}>{state.message}</p> : null}
    </div>
  );
}

export function RotateSecret({ signalId, name, template }: { signalId: string; name: string; template: string }) {
  const t = useTranslations("signals");
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState<ActionState, FormData>(async (prev, data) => {
    const result = await rotateSignalSecretAction(prev, data);
    setOpen(false);
    return result;
  }, {});
  return (
    <div className="grid gap-2">
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogTrigger asChild>
          <Button variant="outline" size="sm" data-testid="rotate-secret">
            {t("rotate")}
          </Button>
        </DialogTrigger>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>{t("rotateTitle", { name })}</DialogTitle>
            <DialogDescription>{t("rotateBody")}</DialogDescription>
          </DialogHeader>
          <form action={action}>
            <input type="hidden" name="signalId" value={signalId} />
            <DialogFooter>
              <DialogClose asChild>
                <Button type="button" variant="outline">
                  {t("keep")}
                </Button>
              </DialogClose>
              <Button type="submit" variant="destructive" disabled={pending} data-testid="rotate-secret-confirm">
                {pending ? <Loader2 className="animate-spin" /> : null}
                {t("rotate")}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
      {state.reveal?.secret ? <SecretReveal secret={state.reveal.secret} template={template} /> : null}
    </div>
  );
}

export function SignalEnabledToggle({ signalId, enabled }: { signalId: string; enabled: boolean }) {
  const t = useTranslations("signals");
  const [, action, pending] = useActionState<ActionState, FormData>(setSignalEnabledAction, {});
  return (
    <form action={action}>
      <input type="hidden" name="signalId" value={signalId} />
      <input type="hidden" name="enabled" value={String(!enabled)} />
      <Button type="submit" variant="ghost" size="sm" disabled={pending} data-testid="toggle-signal">
        {enabled ? t("disable") : t("enable")}
      </Button>
    </form>
  );
}
