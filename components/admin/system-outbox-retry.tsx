"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Loader2, RotateCcw } from "lucide-react";
import { retryOutboxAction } from "@/app/admin/system/actions";
import { Button } from "@/components/ui/button";
import type { ActionState } from "@/lib/actions/validated-action";
import { cn } from "@/lib/utils";

/** Queues every given-up notification delivery again (not destructive: each is sent at most once more per attempt). */
export function SystemOutboxRetry({ dead }: { dead: number }) {
  const t = useTranslations("system.outbox");
  const [state, action, pending] = useActionState<ActionState, FormData>(retryOutboxAction, {});
  return (
    <form action={action} className="grid gap-2">
      <Button type="submit" variant="outline" size="sm" disabled={pending || dead === 0} data-testid="outbox-retry">
        {pending ? <Loader2 className="size-4 animate-spin" /> : <RotateCcw className="size-4" />}
        {t("retry", { count: dead })}
      </Button>
      {state.message ? (
        <p role="status" className={cn("text-xs", state.ok ? "text-emerald-600" : "text-destructive")} data-testid="outbox-retry-feedback">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
