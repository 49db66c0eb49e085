"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { Loader2, Power } from "lucide-react";
import {
  symbolSwitchAction,
  testSignalAction,
  toggleStrategyAction,
  tradingSwitchAction,
} from "@/app/(dashboard)/dashboard/strategies/actions";
import type { ActionState } from "@/lib/actions/validated-action";
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
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { cn } from "@/lib/utils";

function Feedback({ state, testId }: { state: ActionState; testId?: string }) {
  if (!state.message) return null;
  return (
    <p role="status" className={cn("text-xs", state.ok ? "text-emerald-600" : "text-destructive")} data-testid={testId}>
      {state.message}
    </p>
  );
}

/** An on/off pill that submits its own form: the state shown is the state saved. */
function SwitchButton({ on, pending, label, testId }: { on: boolean; pending: boolean; label: string; testId?: string }) {
  return (
    <button
      type="submit"
      role="switch"
      aria-checked={on}
      aria-label={label}
      disabled={pending}
      data-testid={testId}
      className={cn(
        "relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-60",
        on ? "bg-emerald-600" : "bg-muted-foreground/30",
      )}
    >
      <span className={cn("inline-block size-5 rounded-full bg-white shadow transition-transform", on ? "translate-x-5" : "translate-x-0.5")} />
    </button>
  );
}

export function StrategyToggle({ strategyId, enabled, name }: { strategyId: string; enabled: boolean; name: string }) {
  const t = useTranslations("strategies");
  const [state, action, pending] = useActionState<ActionState, FormData>(toggleStrategyAction, {});
  return (
    <form action={action} className="flex items-center gap-2" onClick={(e) => e.stopPropagation()}>
      <input type="hidden" name="strategyId" value={strategyId} />
      <input type="hidden" name="enabled" value={String(!enabled)} />
      <SwitchButton on={enabled} pending={pending} label={t("toggleLabel", { name })} testId="strategy-toggle" />
      <span className="sr-only">
        <Feedback state={state} />
      </span>
    </form>
  );
}

export function SymbolSwitch({ symbol, enabled }: { symbol: string; enabled: boolean }) {
  const t = useTranslations("strategies");
  const [state, action, pending] = useActionState<ActionState, FormData>(symbolSwitchAction, {});
  return (
    <form action={action} className="flex items-center justify-between gap-3 rounded-lg border px-3 py-2" data-testid="symbol-switch" data-symbol={symbol}>
      <input type="hidden" name="symbol" value={symbol} />
      <input type="hidden" name="enabled" value={String(!enabled)} />
      <div>
        <div className="text-sm font-medium">{symbol}</div>
        <div className={cn("text-xs", enabled ? "text-emerald-600" : "text-destructive")}>{enabled ? t("symbolTrading") : t("symbolStopped")}</div>
        <Feedback state={state} />
      </div>
      <SwitchButton on={enabled} pending={pending} label={t("symbolToggleLabel", { symbol })} />
    </form>
  );
}

/** The big switch in the top bar: all of the user's trading, stopped for the very next event. */
export function TradingSwitch({ enabled }: { enabled: boolean }) {
  const t = useTranslations("strategies");
  const [open, setOpen] = useState(false);
  const [state, action, pending] = useActionState<ActionState, FormData>(async (prev, data) => {
    const result = await tradingSwitchAction(prev, data);
    setOpen(false);
    return result;
  }, {});
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button
          variant="outline"
          size="sm"
          data-testid="trading-switch"
          data-enabled={enabled}
          className={cn("gap-2", enabled ? "border-emerald-500/50 text-emerald-700 dark:text-emerald-400" : "border-destructive/60 bg-destructive/10 text-destructive")}
        >
          <Power className="size-4" />
          <span className="hidden sm:inline">{enabled ? t("tradingOnShort") : t("tradingOffShort")}</span>
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{enabled ? t("stopAllTitle") : t("resumeTitle")}</DialogTitle>
          <DialogDescription>{enabled ? t("stopAllBody") : t("resumeBody")}</DialogDescription>
        </DialogHeader>
        <form action={action} className="grid gap-4">
          <input type="hidden" name="enabled" value={String(!enabled)} />
          {enabled ? (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="cancelOpen" className="size-4" data-testid="cancel-open-orders" />
              {t("alsoCancel")}
            </label>
          ) : null}
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="outline">
                {t("keep")}
              </Button>
            </DialogClose>
            <Button type="submit" variant={enabled ? "destructive" : "default"} disabled={pending} data-testid="trading-switch-confirm">
              {pending ? <Loader2 className="animate-spin" /> : null}
              {enabled ? t("stopAll") : t("resume")}
            </Button>
          </DialogFooter>
        </form>
        <Feedback state={state} />
      </DialogContent>
    </Dialog>
  );
}

export function TestSignalForm({ strategyId, paper }: { strategyId: string; paper: boolean }) {
  const t = useTranslations("strategies");
  const [state, action, pending] = useActionState<ActionState, FormData>(testSignalAction, {});
  if (!paper) return <p className="text-xs text-muted-foreground">{t("testPaperOnly")}</p>;
  return (
    <form action={action} className="grid gap-2" data-testid="test-signal-form">
      <input type="hidden" name="strategyId" value={strategyId} />
      <div className="flex flex-wrap items-center gap-2">
        <NativeSelect name="action" defaultValue="buy" aria-label={t("testAction")} className="h-9 w-28">
          <option value="buy">buy</option>
          <option value="sell">sell</option>
          <option value="close">close</option>
          <option value="cancel">cancel</option>
        </NativeSelect>
        <Input name="price" inputMode="decimal" placeholder={t("testPrice")} aria-label={t("testPrice")} className="h-9 w-36" />
        <Button type="submit" size="sm" disabled={pending} data-testid="send-test-signal">
          {pending ? <Loader2 className="animate-spin" /> : null}
          {t("sendTest")}
        </Button>
      </div>
      <Feedback state={state} testId="test-signal-result" />
    </form>
  );
}
