"use client";

import { useState } from "react";
import { useStepUpAction } from "@/components/auth/reauth-dialog";
import { useTranslations } from "next-intl";
import { AlertCircle, Loader2, ShieldAlert, ShieldCheck } from "lucide-react";
import { addAccountAction } from "@/app/(dashboard)/dashboard/accounts/actions";
import { EXCHANGES } from "@/lib/exchanges/catalog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { cn } from "@/lib/utils";

function Check({ name, label, hint, defaultChecked }: { name: string; label: string; hint?: string; defaultChecked?: boolean }) {
  return (
    <label className="flex cursor-pointer items-start gap-3 rounded-lg border p-3 text-sm has-[:checked]:border-primary/60 has-[:checked]:bg-primary/5">
      <input type="checkbox" name={name} defaultChecked={defaultChecked} className="mt-0.5 size-4 accent-[var(--color-primary)]" />
      <span>
        <span className="font-medium">{label}</span>
        {hint ? <span className="block text-xs text-muted-foreground">{hint}</span> : null}
      </span>
    </label>
  );
}

export function AddAccountForm({ outboundIps }: { outboundIps: string[] }) {
  const t = useTranslations("accounts");
  // Adding keys needs a recent password: the dialog asks for it and sends the form again.
  const [state, action, pending, reauthDialog] = useStepUpAction(addAccountAction);
  const [exchange, setExchange] = useState(state.values?.exchange ?? "binance");
  const info = EXCHANGES.find((e) => e.id === exchange) ?? EXCHANGES[0]!;
  const paper = exchange === "paper";
  const v = state.values ?? {};

  return (
    <>
      {reauthDialog}
      <form action={action} className="grid gap-6" noValidate data-testid="add-account-form">
        {state.message ? (
          <Alert variant="destructive" data-testid="form-message">
            <AlertCircle />
            <span>{state.message}</span>
          </Alert>
        ) : null}

        <fieldset className="grid gap-2">
          <legend className="mb-2 text-sm font-medium">{t("exchange")}</legend>
          <div className="grid grid-cols-2 gap-2 sm:grid-cols-5">
            {EXCHANGES.map((e) => (
              <label
                key={e.id}
                className={cn(
                  "flex cursor-pointer flex-col items-center justify-center rounded-lg border px-3 py-3 text-sm font-medium transition-colors hover:bg-accent",
                  exchange === e.id && "border-primary bg-primary/5 ring-1 ring-primary",
                )}
              >
                <input
                  type="radio"
                  name="exchange"
                  value={e.id}
                  defaultChecked={exchange === e.id}
                  onChange={() => setExchange(e.id)}
                  className="sr-only"
                  data-testid={`exchange-${e.id}`}
                />
                {e.id === "paper" ? t("paper") : e.name}
              </label>
            ))}
          </div>
          {state.errors?.exchange ? <p className="text-xs text-destructive">{state.errors.exchange.join(" ")}</p> : null}
        </fieldset>

        <FormField
          name="label"
          label={t("label")}
          hint={t("labelHint")}
          defaultValue={v.label ?? (paper ? t("paperDefaultLabel") : "")}
          key={`label-${paper}`}
          errors={state.errors?.label}
          maxLength={60}
          required
        />

        {paper ? (
          <div className="grid gap-4 sm:grid-cols-3">
            <FormField name="startingBalance" label={t("startingBalance")} inputMode="decimal" defaultValue={v.startingBalance ?? "1000"} errors={state.errors?.startingBalance} hint="USDT" />
            <FormField name="feePercent" label={t("feePercent")} inputMode="decimal" defaultValue={v.feePercent ?? "0.1"} errors={state.errors?.feePercent} hint={t("feeHint")} />
            <FormField name="slippageBps" label={t("slippageBps")} inputMode="decimal" defaultValue={v.slippageBps ?? "5"} errors={state.errors?.slippageBps} hint={t("slippageHint")} />
            <p className="text-sm text-muted-foreground sm:col-span-3">{t("paperExplain")}</p>
          </div>
        ) : (
          <>
            <div className="grid gap-2">
              <div className="grid gap-2 sm:grid-cols-3">
                <Check name="spot" label={t("spot")} hint={t("spotHint")} defaultChecked={v.spot ? v.spot === "on" : true} />
                {info.futures ? <Check name="futures" label={t("futures")} hint={t("futuresHint")} defaultChecked={v.futures === "on"} /> : null}
                <Check name="sandbox" label={t("sandbox")} hint={t("sandboxHint")} defaultChecked={v.sandbox === "on"} />
              </div>
              {state.errors?.spot ? <p className="text-xs text-destructive">{state.errors.spot.join(" ")}</p> : null}
            </div>

            <div className="grid gap-4 sm:grid-cols-2">
              <FormField name="apiKey" label={t("apiKey")} autoComplete="off" spellCheck={false} errors={state.errors?.apiKey} required />
              <FormField name="apiSecret" type="password" label={t("apiSecret")} autoComplete="off" errors={state.errors?.apiSecret} required />
              {info.needsPassphrase ? (
                <FormField name="passphrase" type="password" label={t("passphrase")} autoComplete="off" hint={t("passphraseHint", { exchange: info.name })} errors={state.errors?.passphrase} required />
              ) : null}
            </div>

            <Alert className="border-amber-500/40 bg-amber-500/5" data-testid="ip-allowlist">
              <ShieldAlert className="text-amber-600" />
              <div className="grid gap-1.5 text-sm">
                <p className="font-medium">{t("ipTitle")}</p>
                <p className="text-muted-foreground">{t("ipBody")}</p>
                {outboundIps.length ? (
                  <div className="flex flex-wrap gap-1.5">
                    {outboundIps.map((ip) => (
                      <code key={ip} className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">
                        {ip}
                      </code>
                    ))}
                  </div>
                ) : (
                  <p className="text-muted-foreground">{t("ipUnknown")}</p>
                )}
              </div>
            </Alert>
            <p className="flex items-start gap-2 text-sm text-muted-foreground">
              <ShieldCheck className="mt-0.5 size-4 shrink-0 text-emerald-600" />
              {t("keysSafety")}
            </p>
          </>
        )}

        <div className="flex justify-end">
          <Button type="submit" disabled={pending} data-testid="add-account-submit">
            {pending ? <Loader2 className="animate-spin" /> : null}
            {pending ? (paper ? t("creating") : t("checkingKeys")) : t("addAccount")}
          </Button>
        </div>
      </form>
    </>
  );
}
