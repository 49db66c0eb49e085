"use client";

import { useActionState, useState, useTransition } from "react";
import { useTranslations } from "next-intl";
import { AlertCircle, Info, Loader2 } from "lucide-react";
import { createStrategyAction } from "@/app/(dashboard)/dashboard/strategies/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";
import { HowToSend } from "@/components/signals/how-to-send";
import { PerpetualFields } from "./perpetual-fields";

export interface StrategyFormAccount {
  id: string;
  label: string;
  symbols: string[];
  /** The account trades USDT perpetuals (not spot). */
  perpetual?: boolean;
  /** Its venue keeps a perpetual's take-profit and stop-loss (Binance USDT-M). */
  perpProtection?: boolean;
  /** A paper account (simulated fills, no real money). */
  paper?: boolean;
}

export interface StrategyFormSignal {
  id: string;
  name: string;
  description: string;
  template: string;
  url: string;
  legacy?: boolean;
  /** Fed by an AI source: its events are a model's BUY and SELL answers. */
  ai?: boolean;
}

function Errors({ errors }: { errors?: string[] }) {
  return errors?.length ? <p className="text-xs font-medium text-destructive">{errors.join(" ")}</p> : null;
}

/**
 * `suggestPaper`: the trader has no strategy on an AI signal yet, so the first one is suggested on a
 * paper account (preselected while they have not picked an account themselves).
 */
export function StrategyForm({ accounts, signals, suggestPaper = false }: { accounts: StrategyFormAccount[]; signals: StrategyFormSignal[]; suggestPaper?: boolean }) {
  const t = useTranslations("strategies");
  const [state, action, actionPending] = useActionState<ActionState, FormData>(createStrategyAction, {});
  const [submitting, startTransition] = useTransition();
  const pending = actionPending || submitting;
  const v = state.values ?? {};
  const paperAccount = accounts.find((a) => a.paper);
  const suggestsPaper = (id: string) => suggestPaper && Boolean(signals.find((s) => s.id === id)?.ai);
  const [signalId, setSignalId] = useState(v.signalId ?? signals[0]?.id ?? "");
  const [accountId, setAccountId] = useState(v.accountId ?? (suggestsPaper(signalId) && paperAccount ? paperAccount.id : accounts[0]?.id) ?? "");
  const [accountPicked, setAccountPicked] = useState(Boolean(v.accountId));
  const [sizingMode, setSizingMode] = useState(v.sizingMode ?? "quote");
  const [orderType, setOrderType] = useState(v.orderType ?? "market");
  const account = accounts.find((a) => a.id === accountId);
  // A perpetual's take-profit and stop-loss close the whole position on the venue, where it keeps them.
  const exitHint = !account?.perpetual ? t("optional") : account.perpProtection ? t("perpExitHint") : t("perpExitUnavailable");
  const signal = signals.find((s) => s.id === signalId);
  const checked = (name: string, fallback: boolean) => (state.values ? v[name] === "on" : fallback);

  return (
    <form
      // Submitted by hand so React does not reset the form: its selects are driven by state.
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => action(data));
      }}
      className="grid gap-6 [&>*]:min-w-0"
      noValidate
      data-testid="strategy-form"
    >
      {state.message ? (
        <Alert variant="destructive" data-testid="form-message">
          <AlertCircle />
          <span>{state.message}</span>
        </Alert>
      ) : null}
      <FormField name="name" label={t("name")} defaultValue={v.name} errors={state.errors?.name} maxLength={80} required />
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid gap-2">
          <Label htmlFor="strategy-signal">{t("signal")}</Label>
          <NativeSelect
            id="strategy-signal"
            name="signalId"
            value={signalId}
            onChange={(e) => {
              setSignalId(e.target.value);
              if (!accountPicked && paperAccount && suggestsPaper(e.target.value)) setAccountId(paperAccount.id);
            }}
          >
            {signals.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </NativeSelect>
          {signal?.description ? <p className="text-xs text-muted-foreground wrap-anywhere">{signal.description}</p> : null}
          <Errors errors={state.errors?.signalId} />
        </div>
        <div className="grid gap-2">
          <Label htmlFor="strategy-account">{t("account")}</Label>
          <NativeSelect
            id="strategy-account"
            name="accountId"
            value={accountId}
            onChange={(e) => {
              setAccountId(e.target.value);
              setAccountPicked(true);
            }}
          >
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </NativeSelect>
          <Errors errors={state.errors?.accountId} />
        </div>
      </div>
      {suggestsPaper(signalId) ? (
        <Alert variant="info" data-testid="paper-suggestion">
          <Info />
          <span>{paperAccount ? (account?.paper ? t("aiPaperChosen") : t("aiPaperSuggested", { account: paperAccount.label })) : t("aiPaperNone")}</span>
        </Alert>
      ) : null}
      <div className="grid gap-2">
        <FormField name="symbol" label={t("symbol")} list="strategy-symbols" defaultValue={v.symbol ?? "BTC/USDT"} hint={t("symbolHint")} errors={state.errors?.symbol} autoComplete="off" />
        <datalist id="strategy-symbols">
          {(account?.symbols ?? []).map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </div>
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">{t("follows")}</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          {(["Buy", "Sell", "Close", "Cancel"] as const).map((a) => (
            <label key={a} className="flex items-center gap-2">
              <input type="checkbox" name={`follow${a}`} defaultChecked={checked(`follow${a}`, true)} className="size-4" />
              {t(`followAction.${a.toLowerCase() as "buy"}`)}
            </label>
          ))}
        </div>
        <Errors errors={state.errors?.followBuy} />
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <div className="grid gap-2">
          <Label htmlFor="strategy-sizing">{t("sizing")}</Label>
          <NativeSelect id="strategy-sizing" name="sizingMode" value={sizingMode} onChange={(e) => setSizingMode(e.target.value)}>
            <option value="quote">{t("sizingMode.quote")}</option>
            <option value="base">{t("sizingMode.base")}</option>
            <option value="percent">{t("sizingMode.percent")}</option>
          </NativeSelect>
        </div>
        <FormField name="sizingValue" label={t(`sizingValue.${sizingMode}` as "sizingValue.quote")} inputMode="decimal" defaultValue={v.sizingValue ?? "100"} errors={state.errors?.sizingValue} />
        <div className="grid gap-2">
          <Label htmlFor="strategy-type">{t("orderType")}</Label>
          <NativeSelect id="strategy-type" name="orderType" value={orderType} onChange={(e) => setOrderType(e.target.value)}>
            <option value="market">{t("market")}</option>
            <option value="limit">{t("limit")}</option>
          </NativeSelect>
        </div>
        {orderType === "limit" ? (
          <FormField name="limitOffsetPct" label={t("offset")} inputMode="decimal" defaultValue={v.limitOffsetPct ?? "0.1"} hint={t("offsetHint")} errors={state.errors?.limitOffsetPct} />
        ) : (
          <div />
        )}
        <FormField name="takeProfitPct" label={t("takeProfit")} inputMode="decimal" defaultValue={v.takeProfitPct} hint={exitHint} errors={state.errors?.takeProfitPct} />
        <FormField name="stopLossPct" label={t("stopLoss")} inputMode="decimal" defaultValue={v.stopLossPct} hint={exitHint} errors={state.errors?.stopLossPct} />
        <FormField name="maxOpenOrders" label={t("maxOpenOrders")} inputMode="numeric" defaultValue={v.maxOpenOrders} hint={t("optional")} errors={state.errors?.maxOpenOrders} />
        <FormField name="maxPosition" label={t("maxPosition")} inputMode="decimal" defaultValue={v.maxPosition} hint={t("maxPositionHint")} errors={state.errors?.maxPosition} />
      </div>
      {account?.perpetual ? <PerpetualFields values={v} errors={state.errors} checked={checked} /> : null}
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" name="enabled" defaultChecked={checked("enabled", true)} className="size-4" />
        {t("enabledNow")}
      </label>
      {signal ? (
        <div className="grid gap-2 rounded-lg border bg-muted/40 p-3" data-testid="tradingview-template">
          <div className="text-sm font-medium">{t("templateTitle")}</div>
          <p className="text-xs text-muted-foreground">{t("templateBody")}</p>
          <code className="break-all rounded bg-background px-2 py-1 font-mono text-xs">{signal.url}</code>
          <pre className="whitespace-pre-wrap break-all rounded bg-background p-2 font-mono text-xs">{signal.template}</pre>
          <HowToSend url={signal.url} legacy={signal.legacy} />
        </div>
      ) : null}
      <div className="flex justify-end">
        <Button type="submit" disabled={pending} data-testid="create-strategy">
          {pending ? <Loader2 className="animate-spin" /> : null}
          {t("create")}
        </Button>
      </div>
    </form>
  );
}
