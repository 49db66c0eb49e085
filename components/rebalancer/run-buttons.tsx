"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { runRebalancerAction } from "@/app/(dashboard)/dashboard/rebalancer/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { RunNow } from "./run-now";

/** "Dry run" plans and places nothing; "Run now" places market orders, behind a confirmation. */
export function RunButtons({ accountId, dryRunOn }: { accountId: string; dryRunOn: boolean }) {
  const t = useTranslations("rebalancer");
  const [state, dryRun, pending] = useActionState<ActionState, FormData>(runRebalancerAction, {});
  return (
    <div className="flex flex-wrap items-start gap-3">
      <form action={dryRun} className="flex flex-col gap-1">
        <input type="hidden" name="accountId" value={accountId} />
        <input type="hidden" name="mode" value="dry" />
        <Button type="submit" variant="outline" size="sm" disabled={pending} data-testid="rebalancer-dry-run">
          {pending ? <Loader2 className="animate-spin" /> : null}
          {t("dryRunNow")}
        </Button>
        {state.message ? (
          <p role="status" className={cn("max-w-xs text-xs", state.ok ? "text-emerald-600" : "text-destructive")} data-testid="rebalancer-dry-run-feedback">
            {state.message}
          </p>
        ) : null}
      </form>
      {dryRunOn ? (
        <p className="max-w-xs pt-1.5 text-xs text-muted-foreground">{t("runNowDryRunOn")}</p>
      ) : (
        <RunNow accountId={accountId} />
      )}
    </div>
  );
}
