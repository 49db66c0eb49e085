"use client";

import { useActionState, useId } from "react";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { setRequireTwoFactorAction } from "@/app/admin/settings/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { cn } from "@/lib/utils";

/** The admin switch "Require two-factor authentication for admins": one click saves the new value. */
export function TwoFactorRequireSwitch({ enabled }: { enabled: boolean }) {
  const t = useTranslations("twoFactor.admin");
  const [state, action, pending] = useActionState<ActionState, FormData>(setRequireTwoFactorAction, {});
  const labelId = useId();
  const hintId = useId();
  return (
    <form action={action} className="grid gap-2">
      <input type="hidden" name="enabled" value={String(!enabled)} />
      <div className="flex items-start justify-between gap-4">
        <div className="grid gap-1">
          <span id={labelId} className="text-sm font-medium">
            {t("requireLabel")}
          </span>
          <span id={hintId} className="text-xs text-muted-foreground">
            {t("requireHint")}
          </span>
        </div>
        <button
          type="submit"
          role="switch"
          aria-checked={enabled}
          aria-labelledby={labelId}
          aria-describedby={hintId}
          disabled={pending}
          data-testid="require-2fa-switch"
          className={cn(
            "relative inline-flex h-6 w-11 shrink-0 items-center rounded-full border-2 border-transparent transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 disabled:opacity-60",
            enabled ? "bg-primary" : "bg-input",
          )}
        >
          <span className={cn("pointer-events-none block size-5 rounded-full bg-background shadow transition-transform", enabled ? "translate-x-5" : "translate-x-0")}>
            {pending ? <Loader2 className="size-5 animate-spin p-0.5 text-muted-foreground" /> : null}
          </span>
        </button>
      </div>
      {state.message ? (
        <p role="status" className={cn("text-xs", state.ok ? "text-emerald-600" : "text-destructive")} data-testid="require-2fa-feedback">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
