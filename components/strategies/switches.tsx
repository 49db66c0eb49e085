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
import { useStepUpAction } from "@/components/auth/reauth-dialog";
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

/** An on/off pill: it submits its form (turning on) or opens the choice of what to stop (turning off). */
function SwitchButton({
  on,
  pending,
  label,
  testId,
  type = "submit",
  ...rest
}: { on: boolean; pending: boolean; label: string; testId?: string; type?: "submit" | "button" } & React.ComponentProps<"button">) {
  return (
    <button
      {...rest}
      type={type}
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

/**
 * Turning a switch off asks what should stop: "pause entries" (exits, take-profits and stop-losses keep
 * working) or "stop everything" (open orders cancelled, positions left unprotected). Turning it on is one
 * click. The state shown is the state saved.
 */
function OffChoice({
  action,
  pending,
  fields,
  title,
  children,
}: {
  action: (data: FormData) => void;
  pending: boolean;
  fields: Record<string, string>;
  title: string;
  children: React.ReactNode;
}) {
  const t = useTranslations("strategies");
  const hidden = Object.entries(fields).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />);
  return (
    <DialogContent onClick={(e) => e.stopPropagation()}>
      <DialogHeader>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{t("offBody")}</DialogDescription>
      </DialogHeader>
      <div className="grid gap-3">
        {(["pause", "stop"] as const).map((mode) => (
          <form key={mode} action={action} className="grid gap-2 rounded-lg border p-3">
            {hidden}
            <input type="hidden" name="enabled" value="false" />
            <input type="hidden" name="mode" value={mode} />
            <p className="text-sm text-muted-foreground">{mode === "pause" ? t("pauseEntriesBody") : t("stopEverythingBody")}</p>
            <Button type="submit" variant={mode === "pause" ? "default" : "destructive"} disabled={pending} data-testid={`switch-${mode}`}>
              {pending ? <Loader2 className="animate-spin" /> : null}
              {mode === "pause" ? t("pauseEntries") : t("stopEverything")}
            </Button>
          </form>
        ))}
      </div>
      <DialogFooter>
        <DialogClose asChild>
          <Button type="button" variant="outline">
            {t("keep")}
          </Button>
        </DialogClose>
      </DialogFooter>
      {children}
    </DialogContent>
  );
}

/** An action state whose dialog closes when the action has answered. */
function useSwitchAction(run: (prev: ActionState, data: FormData) => Promise<ActionState>) {
  const [open, setOpen] = useState(false);
  // Leaving "stop everything" may ask for the password again first.
  const [state, action, pending, reauthDialog] = useStepUpAction(async (prev, data) => {
    const result = await run(prev, data);
    setOpen(false);
    return result;
  });
  return { open, setOpen, state, action, pending, reauthDialog };
}

/** A pill for one switch: on, it opens the choice of what to stop; off, it turns back on in one click. */
function SwitchPill({
  run,
  on,
  fields,
  label,
  title,
  testId,
  children,
}: {
  run: (prev: ActionState, data: FormData) => Promise<ActionState>;
  on: boolean;
  fields: Record<string, string>;
  label: string;
  title: string;
  testId?: string;
  children: (state: ActionState) => React.ReactNode;
}) {
  const { open, setOpen, state, action, pending, reauthDialog } = useSwitchAction(run);
  const pill = <SwitchButton on={on} pending={pending} label={label} testId={testId} type={on ? "button" : "submit"} />;
  return (
    <>
      {children(state)}
      {on ? (
        <Dialog open={open} onOpenChange={setOpen}>
          <DialogTrigger asChild>{pill}</DialogTrigger>
          <OffChoice action={action} pending={pending} fields={fields} title={title}>
            <Feedback state={state} />
          </OffChoice>
        </Dialog>
      ) : (
        <form action={action}>
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <input type="hidden" name="enabled" value="true" />
          {pill}
        </form>
      )}
      {reauthDialog}
    </>
  );
}

export function StrategyToggle({ strategyId, enabled, keepsExits, name }: { strategyId: string; enabled: boolean; keepsExits: boolean; name: string }) {
  const t = useTranslations("strategies");
  return (
    <div className="flex items-center gap-2" onClick={(e) => e.stopPropagation()}>
      <SwitchPill run={toggleStrategyAction} on={enabled} fields={{ strategyId }} label={t("toggleLabel", { name })} title={t("offTitle", { name })} testId="strategy-toggle">
        {(state) => (
          <>
            {enabled ? null : <span className="text-xs text-muted-foreground" data-testid="strategy-off-mode">{keepsExits ? t("strategyPaused") : t("strategyStopped")}</span>}
            <span className="sr-only">
              <Feedback state={state} />
            </span>
          </>
        )}
      </SwitchPill>
    </div>
  );
}

export function SymbolSwitch({ symbol, enabled, keepsExits }: { symbol: string; enabled: boolean; keepsExits: boolean }) {
  const t = useTranslations("strategies");
  return (
    <div className="flex items-center justify-between gap-3 rounded-lg border px-3 py-2" data-testid="symbol-switch" data-symbol={symbol}>
      <SwitchPill run={symbolSwitchAction} on={enabled} fields={{ symbol }} label={t("symbolToggleLabel", { symbol })} title={t("offTitle", { name: symbol })}>
        {(state) => (
          <div>
            <div className="text-sm font-medium">{symbol}</div>
            <div className={cn("text-xs", enabled ? "text-emerald-600" : keepsExits ? "text-amber-600" : "text-destructive")}>
              {enabled ? t("symbolTrading") : keepsExits ? t("symbolPaused") : t("symbolStopped")}
            </div>
            <Feedback state={state} />
          </div>
        )}
      </SwitchPill>
    </div>
  );
}

/** The big switch in the top bar: all of the user's trading, for the very next event. */
export function TradingSwitch({ enabled, keepsExits }: { enabled: boolean; keepsExits: boolean }) {
  const t = useTranslations("strategies");
  const { open, setOpen, state, action, pending, reauthDialog } = useSwitchAction(tradingSwitchAction);
  const trigger = (
    <Button
      variant="outline"
      size="sm"
      data-testid="trading-switch"
      data-enabled={enabled}
      data-mode={enabled ? "on" : keepsExits ? "pause" : "stop"}
      className={cn(
        "gap-2",
        enabled
          ? "border-emerald-500/50 text-emerald-700 dark:text-emerald-400"
          : keepsExits
            ? "border-amber-500/60 bg-amber-500/10 text-amber-700 dark:text-amber-400"
            : "border-destructive/60 bg-destructive/10 text-destructive",
      )}
    >
      <Power className="size-4" />
      <span className="hidden sm:inline">{enabled ? t("tradingOnShort") : keepsExits ? t("tradingPausedShort") : t("tradingOffShort")}</span>
    </Button>
  );
  return (
    <>
      <Dialog open={open} onOpenChange={setOpen}>
        <DialogTrigger asChild>{trigger}</DialogTrigger>
        {enabled ? (
          <OffChoice action={action} pending={pending} fields={{}} title={t("stopAllTitle")}>
            <Feedback state={state} />
          </OffChoice>
        ) : (
          <DialogContent>
            <DialogHeader>
              <DialogTitle>{t("resumeTitle")}</DialogTitle>
              <DialogDescription>{t("resumeBody")}</DialogDescription>
            </DialogHeader>
            <form action={action} className="grid gap-4">
              <input type="hidden" name="enabled" value="true" />
              <DialogFooter>
                <DialogClose asChild>
                  <Button type="button" variant="outline">
                    {t("keep")}
                  </Button>
                </DialogClose>
                <Button type="submit" disabled={pending} data-testid="trading-switch-confirm">
                  {pending ? <Loader2 className="animate-spin" /> : null}
                  {t("resume")}
                </Button>
              </DialogFooter>
            </form>
            <Feedback state={state} />
          </DialogContent>
        )}
        {!open ? (
          <span className="sr-only">
            <Feedback state={state} />
          </span>
        ) : null}
      </Dialog>
      {reauthDialog}
    </>
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
