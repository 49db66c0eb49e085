"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { Loader2, Plus, X } from "lucide-react";
import { saveRebalancerAction } from "@/app/(dashboard)/dashboard/rebalancer/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { weightSum } from "./weight-sum";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { cn } from "@/lib/utils";

export type SettingsValues = {
  quote: string;
  targets: { asset: string; weight: string }[];
  intervalHours: string;
  driftPct: string;
  minTradeQuote: string;
  dryRun: boolean;
  enabled: boolean;
};

let rowKey = 0;

/** The target portfolio: asset rows with exact weights (their sum shown as typed), the rules and switches. */
export function SettingsForm({ accountId, initial }: { accountId: string; initial: SettingsValues }) {
  const t = useTranslations("rebalancer");
  const [state, action, pending] = useActionState<ActionState, FormData>(saveRebalancerAction, {});
  const [rows, setRows] = useState(() => initial.targets.map((r) => ({ ...r, key: ++rowKey })));
  const [quote, setQuote] = useState(initial.quote);
  const sum = weightSum(rows);
  const serialized = rows
    .filter((r) => r.asset.trim())
    .map((r) => `${r.asset.trim().toUpperCase()}=${r.weight.trim()}`)
    .join(";");
  const update = (key: number, patch: Partial<{ asset: string; weight: string }>) => setRows((all) => all.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const v = state.values;

  return (
    <form action={action} className="grid gap-4" data-testid="rebalancer-settings">
      <input type="hidden" name="accountId" value={accountId} />
      <input type="hidden" name="targets" value={serialized} />
      <p className="text-sm text-muted-foreground">{t("settingsHint")}</p>
      <fieldset className="grid gap-2">
        <legend className="sr-only">{t("settings")}</legend>
        <div className="grid grid-cols-[1fr_1fr_auto] gap-2 text-xs font-medium text-muted-foreground">
          <span>{t("asset")}</span>
          <span>{t("weight")}</span>
          <span className="w-9" />
        </div>
        {rows.map((r, i) => (
          <div key={r.key} className="grid grid-cols-[1fr_1fr_auto] gap-2">
            <Input aria-label={`${t("asset")} ${i + 1}`} value={r.asset} maxLength={12} autoCapitalize="characters" onChange={(e) => update(r.key, { asset: e.target.value.toUpperCase() })} data-testid={`target-asset-${i}`} />
            <Input aria-label={`${t("weight")} ${i + 1}`} value={r.weight} inputMode="decimal" onChange={(e) => update(r.key, { weight: e.target.value })} data-testid={`target-weight-${i}`} />
            <Button type="button" variant="ghost" size="icon" aria-label={t("removeAsset", { asset: r.asset || String(i + 1) })} onClick={() => setRows((all) => all.filter((x) => x.key !== r.key))}>
              <X />
            </Button>
          </div>
        ))}
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Button type="button" variant="outline" size="sm" onClick={() => setRows((all) => [...all, { asset: "", weight: "0", key: ++rowKey }])} data-testid="target-add">
            <Plus />
            {t("addAsset")}
          </Button>
          <span className={cn("text-sm tabular-nums", sum === "100" ? "text-emerald-600" : "text-destructive")} data-testid="weight-sum">
            {t("weightSum", { sum })}
          </span>
        </div>
        {state.errors?.targets?.length ? (
          <p className="text-xs font-medium text-destructive" data-testid="error-targets">
            {state.errors.targets.join(" ")}
          </p>
        ) : null}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField name="quote" label={t("quote")} value={quote} onChange={(e) => setQuote(e.target.value.toUpperCase())} errors={state.errors?.quote} maxLength={12} />
        <FormField name="minTradeQuote" label={t("minTrade", { quote: quote || "USDT" })} defaultValue={v?.minTradeQuote ?? initial.minTradeQuote} inputMode="decimal" errors={state.errors?.minTradeQuote} />
        <FormField name="intervalHours" label={t("intervalHours")} hint={t("intervalHint")} defaultValue={v?.intervalHours ?? initial.intervalHours} inputMode="numeric" errors={state.errors?.intervalHours} />
        <FormField name="driftPct" label={t("driftPct")} hint={t("driftHint")} defaultValue={v?.driftPct ?? initial.driftPct} inputMode="decimal" errors={state.errors?.driftPct} />
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="dryRun" defaultChecked={initial.dryRun} className="mt-0.5 size-4" data-testid="dry-run-switch" />
        {t("dryRun")}
      </label>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="enabled" defaultChecked={initial.enabled} className="mt-0.5 size-4" data-testid="enabled-switch" />
        {t("enabled")}
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={pending} data-testid="rebalancer-save">
          {pending ? <Loader2 className="animate-spin" /> : null}
          {t("save")}
        </Button>
        {state.message ? (
          <p role="status" className={cn("text-sm", state.ok ? "text-emerald-600" : "text-destructive")} data-testid="rebalancer-feedback">
            {state.message}
          </p>
        ) : null}
      </div>
    </form>
  );
}
