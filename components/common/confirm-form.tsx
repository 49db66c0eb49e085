"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import type { ActionState } from "@/lib/actions/validated-action";
import { Button, type ButtonProps } from "@/components/ui/button";
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
import { cn } from "@/lib/utils";

type Action = (prev: ActionState, data: FormData) => Promise<ActionState>;

/** A destructive action behind a confirmation dialog, with the result shown beside the trigger. */
export function ConfirmForm({
  action,
  fields,
  trigger,
  title,
  body,
  confirmLabel,
  cancelLabel,
  triggerVariant = "outline",
  triggerSize = "sm",
  testId,
  className,
}: {
  action: Action;
  fields: Record<string, string>;
  trigger: React.ReactNode;
  title: string;
  body: string;
  confirmLabel: string;
  /** Names what dismissing keeps ("Keep orders") where a plain "Cancel" would read like the action. */
  cancelLabel?: string;
  triggerVariant?: ButtonProps["variant"];
  triggerSize?: ButtonProps["size"];
  testId?: string;
  className?: string;
}) {
  const t = useTranslations("common");
  const [open, setOpen] = useState(false);
  const [state, run, pending] = useActionState<ActionState, FormData>(async (prev, data) => {
    const result = await action(prev, data);
    setOpen(false);
    return result;
  }, {});
  return (
    <div className={cn("inline-flex flex-col items-end gap-1", className)}>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogTrigger asChild>
          <Button size={triggerSize} variant={triggerVariant} data-testid={testId}>
            {trigger}
          </Button>
        </DialogTrigger>
        <DialogContent closeLabel={t("close")}>
          <DialogHeader>
            <DialogTitle>{title}</DialogTitle>
            <DialogDescription>{body}</DialogDescription>
          </DialogHeader>
          <form action={run}>
            {Object.entries(fields).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <DialogFooter>
              <DialogClose asChild>
                <Button type="button" variant="outline">
                  {cancelLabel ?? t("cancel")}
                </Button>
              </DialogClose>
              <Button type="submit" variant="destructive" disabled={pending} data-testid={testId ? `${testId}-confirm` : undefined}>
                {pending ? <Loader2 className="animate-spin" /> : null}
                {confirmLabel}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
      {state.message ? (
        <p role="status" className={cn("text-xs", state.ok ? "text-emerald-600" : "text-destructive")} data-testid={testId ? `${testId}-feedback` : undefined}>
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
