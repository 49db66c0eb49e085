"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Loader2 } from "lucide-react";
import { saveAiSourceAction } from "@/app/admin/ai/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { AI_CANDLE_SOURCES, AI_INTERVALS } from "@/lib/ai-sources/validation";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";

export interface AiSourceFormValues {
  id?: string;
  name: string;
  baseUrl: string;
  model: string;
  keyHint: string | null;
  signalId: string;
  symbols: string;
  candleSource: string;
  interval: string;
  everyMinutes: string;
  promptTemplate: string;
  minConfidence: string;
  dailySignalCap: string;
  dailyTokenCap: string;
  inputPricePerM: string;
  outputPricePerM: string;
}

function FieldError({ errors, name }: { errors?: string[]; name: string }) {
  return errors?.length ? (
    <p className="text-xs font-medium text-destructive" data-testid={`error-${name}`}>
      {errors.join(" ")}
    </p>
  ) : null;
}

/** Add or edit an AI source. The API key is write-only: left empty on edit, the stored key is kept. */
export function AiSourceForm({ initial, signals }: { initial: AiSourceFormValues; signals: { id: string; name: string }[] }) {
  const t = useTranslations("ai");
  const [state, action, pending] = useActionState<ActionState, FormData>(saveAiSourceAction, {});
  const v = (name: keyof AiSourceFormValues) => state.values?.[name] ?? String(initial[name] ?? "");
  const e = state.errors ?? {};
  const field = (name: keyof AiSourceFormValues, extra: React.ComponentProps<typeof FormField> | object = {}) => (
    <FormField key={`${name}-${v(name)}`} name={name} label={t(`fields.${name}`)} defaultValue={v(name)} errors={e[name]} {...extra} />
  );
  return (
    <form action={action} className="grid gap-4" data-testid="ai-source-form">
      {initial.id ? <input type="hidden" name="id" value={initial.id} /> : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {field("name", { required: true, maxLength: 60 })}
        <div className="grid gap-2">
          <Label htmlFor="field-signalId">{t("fields.signalId")}</Label>
          <NativeSelect id="field-signalId" name="signalId" defaultValue={v("signalId")} key={`signal-${v("signalId")}`}>
            {signals.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </NativeSelect>
          <FieldError errors={e.signalId} name="signalId" />
        </div>
        {field("baseUrl", { required: true, hint: t("hints.baseUrl") })}
        {field("model", { required: true })}
        <FormField
          name="apiKey"
          type="password"
          autoComplete="off"
          label={t("fields.apiKey")}
          hint={initial.keyHint ? t("hints.apiKeyKept", { hint: initial.keyHint }) : t("hints.apiKey")}
          errors={e.apiKey}
          required={!initial.id}
        />
        {field("symbols", { required: true, hint: t("hints.symbols") })}
        <div className="grid gap-2">
          <Label htmlFor="field-candleSource">{t("fields.candleSource")}</Label>
          <NativeSelect id="field-candleSource" name="candleSource" defaultValue={v("candleSource")} key={`cs-${v("candleSource")}`}>
            {AI_CANDLE_SOURCES.map((s) => (
              <option key={s} value={s}>
                {s === "paper" ? t("paperMarket") : s}
              </option>
            ))}
          </NativeSelect>
          <FieldError errors={e.candleSource} name="candleSource" />
        </div>
        <div className="grid gap-2">
          <Label htmlFor="field-interval">{t("fields.interval")}</Label>
          <NativeSelect id="field-interval" name="interval" defaultValue={v("interval")} key={`iv-${v("interval")}`}>
            {AI_INTERVALS.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </NativeSelect>
          <FieldError errors={e.interval} name="interval" />
        </div>
        {field("everyMinutes", { inputMode: "numeric", required: true })}
        {field("minConfidence", { inputMode: "decimal", required: true, hint: t("hints.minConfidence") })}
        {field("dailySignalCap", { inputMode: "numeric", required: true })}
        {field("dailyTokenCap", { inputMode: "numeric", required: true })}
        {field("inputPricePerM", { inputMode: "decimal", hint: t("hints.price") })}
        {field("outputPricePerM", { inputMode: "decimal", hint: t("hints.price") })}
      </div>
      <div className="grid gap-2">
        <Label htmlFor="field-promptTemplate">{t("fields.promptTemplate")}</Label>
        <textarea
          id="field-promptTemplate"
          name="promptTemplate"
          rows={8}
          defaultValue={v("promptTemplate")}
          key={`pt-${initial.id ?? "new"}-${state.values ? "echo" : "init"}`}
          className="w-full rounded-md border border-input bg-background px-3 py-2 font-mono text-xs shadow-xs focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
          aria-invalid={e.promptTemplate?.length ? true : undefined}
        />
        <p className="text-xs text-muted-foreground">{t("hints.promptTemplate")}</p>
        <FieldError errors={e.promptTemplate} name="promptTemplate" />
      </div>
      {state.message ? (
        <Alert className={state.ok ? "border-emerald-500/50" : "border-destructive/50"} data-testid="ai-form-message">
          <p>{state.message}</p>
        </Alert>
      ) : null}
      <div>
        <Button type="submit" disabled={pending} data-testid="ai-source-save">
          {pending ? <Loader2 className="animate-spin" /> : null}
          {initial.id ? t("save") : t("add")}
        </Button>
      </div>
    </form>
  );
}
