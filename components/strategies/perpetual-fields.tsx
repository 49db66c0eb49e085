"use client";

import { useTranslations } from "next-intl";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";

/** Leverage, margin mode and shorts: shown only when the chosen account trades USDT perpetuals. */
export function PerpetualFields({ values, errors, checked }: { values: Record<string, string>; errors?: Record<string, string[] | undefined>; checked: (name: string, fallback: boolean) => boolean }) {
  const t = useTranslations("perpetuals.form");
  return (
    <fieldset className="grid gap-4 rounded-lg border p-3 sm:grid-cols-2" data-testid="perpetual-fields">
      <legend className="px-1 text-sm font-medium">{t("title")}</legend>
      <FormField name="leverage" label={t("leverage")} inputMode="numeric" defaultValue={values.leverage ?? "1"} hint={t("leverageHint")} errors={errors?.leverage} />
      <div className="grid gap-2">
        <Label htmlFor="strategy-margin-mode">{t("marginMode")}</Label>
        <NativeSelect id="strategy-margin-mode" name="marginMode" defaultValue={values.marginMode ?? "isolated"}>
          <option value="isolated">{t("isolated")}</option>
          <option value="cross">{t("cross")}</option>
        </NativeSelect>
      </div>
      <label className="flex items-start gap-2 text-sm sm:col-span-2">
        <input type="checkbox" name="allowShorts" defaultChecked={checked("allowShorts", false)} className="mt-0.5 size-4" />
        <span>
          <span className="font-medium">{t("allowShorts")}</span>
          <span className="block text-xs text-muted-foreground">{t("allowShortsHint")}</span>
        </span>
      </label>
    </fieldset>
  );
}
