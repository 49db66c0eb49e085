"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { runRebalancerAction } from "@/app/(dashboard)/dashboard/rebalancer/actions";
import { useStepUpAction } from "@/components/auth/reauth-dialog";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { cn } from "@/lib/utils";

/**
 * "Run now" places market orders: a confirmation first, then, when the server asks for it, the
 * password again (the confirmed run is sent once more after it).
 */
export function RunNow({ accountId }: { accountId: string }) {
  const t = useTranslations("rebalancer");
  const common = useTranslations("common");
  const [open, setOpen] = useState(false);
  const [state, run, pending, reauthDialog] = useStepUpAction(async (_prev, data) => {
    const result = await runRebalancerAction({}, data);
    setOpen(false);
    return result;
  });
  return (
    <div className="inline-flex flex-col items-start gap-1">
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogTrigger asChild>
          <Button size="sm" data-testid="rebalancer-run-now">
            {t("runNow")}
          </Button>
        </DialogTrigger>
        <DialogContent closeLabel={common("close")}>
          <DialogHeader>
            <DialogTitle>{t("runNowTitle")}</DialogTitle>
            <DialogDescription>{t("runNowBody")}</DialogDescription>
          </DialogHeader>
          <form action={run}>
            <input type="hidden" name="accountId" value={accountId} />
            <input type="hidden" name="mode" value="live" />
            <DialogFooter>
              <DialogClose asChild>
                <Button type="button" variant="outline">
                  {common("cancel")}
                </Button>
              </DialogClose>
              <Button type="submit" variant="destructive" disabled={pending} data-testid="rebalancer-run-now-confirm">
                {pending ? <Loader2 className="animate-spin" /> : null}
                {t("runNowConfirm")}
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
      {state.message && !state.reauth ? (
        <p role="status" className={cn("max-w-xs text-xs", state.ok ? "text-emerald-600" : "text-destructive")} data-testid="rebalancer-run-now-feedback">
          {state.message}
        </p>
      ) : null}
      {reauthDialog}
    </div>
  );
}
