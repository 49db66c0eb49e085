"use client";

import { useActionState, useState } from "react";
import { useTranslations } from "next-intl";
import { AlertCircle, CheckCircle2, Loader2, Lock } from "lucide-react";
import { saveNotificationSettingsAction } from "@/components/notifications/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { typeKey } from "@/lib/notifications/type-key";
import { cellName, normalizeTime } from "@/lib/notifications/validation";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { NativeSelect } from "@/components/ui/native-select";

type Channel = "email" | "telegram" | "inapp";
const CHANNELS: Channel[] = ["email", "telegram", "inapp"];
const CHANNEL_LABEL = { email: "channelEmail", telegram: "channelTelegram", inapp: "channelInapp" } as const;
// Not <input type="time">: browsers draw that in the browser's locale (12-hour with AM/PM for many), not
// the page's language. A text field takes 24-hour HH:MM everywhere; the schema checks it.
const TIME_INPUT = { type: "text", inputMode: "numeric", pattern: "([01][0-9]|2[0-3]):[0-5][0-9]", maxLength: 5, autoComplete: "off" } as const;

export function NotificationSettingsForm({
  types,
  matrix: initialMatrix,
  quietStart,
  quietEnd,
  timeZone,
  timeZones,
}: {
  types: string[];
  matrix: Record<string, Record<Channel, boolean>>;
  quietStart: string;
  quietEnd: string;
  timeZone: string;
  timeZones: string[];
}) {
  const t = useTranslations("notifications");
  const [state, action, pending] = useActionState<ActionState, FormData>(saveNotificationSettingsAction, {});
  const [matrix, setMatrix] = useState(initialMatrix);
  const [quiet, setQuiet] = useState({ quietStart, quietEnd, timeZone });
  const locked = (type: string, channel: Channel) => type === "security.alert" && channel === "email";

  return (
    <form action={action} className="grid gap-6" noValidate data-testid="notification-settings-form">
      {state.message ? (
        <Alert variant={state.ok ? "success" : "destructive"} data-testid="form-message" aria-live="polite">
          {state.ok ? <CheckCircle2 /> : <AlertCircle />}
          <span>{state.message}</span>
        </Alert>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>{t("settings.matrixTitle")}</CardTitle>
        </CardHeader>
        <CardContent className="px-3 sm:px-6">
          <table className="w-full table-fixed text-sm" data-testid="notification-matrix">
            <thead>
              <tr className="border-b text-xs text-muted-foreground">
                <th className="py-2 pr-2 text-left font-medium">{t("settings.event")}</th>
                {CHANNELS.map((c) => (
                  <th key={c} className="w-[4.75rem] py-2 text-center font-medium break-words sm:w-28">
                    {t(`settings.${CHANNEL_LABEL[c]}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {types.map((type) => {
                const label = t(`types.${typeKey(type)}` as "types.orderFilled");
                return (
                  <tr key={type} className="border-b last:border-0">
                    <th scope="row" className="py-2.5 pr-2 text-left font-normal wrap-anywhere">
                      {label}
                    </th>
                    {CHANNELS.map((channel) => {
                      const name = cellName(type, channel);
                      const isLocked = locked(type, channel);
                      return (
                        <td key={channel} className="py-2.5 text-center">
                          <span className="inline-flex items-center gap-1">
                            <input
                              type="checkbox"
                              name={name}
                              className="size-5 accent-primary disabled:opacity-60"
                              checked={isLocked || matrix[type]?.[channel] === true}
                              disabled={isLocked}
                              title={isLocked ? t("settings.locked") : undefined}
                              aria-label={t("settings.toggle", { event: label, channel: t(`settings.${CHANNEL_LABEL[channel]}`) })}
                              data-testid={`cell-${type}-${channel}`}
                              onChange={(e) =>
                                setMatrix((m) => ({ ...m, [type]: { ...m[type]!, [channel]: e.target.checked } }))
                              }
                            />
                            {isLocked ? <Lock className="size-3.5 text-muted-foreground" aria-hidden /> : null}
                          </span>
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="mt-3 flex items-center gap-1.5 text-xs text-muted-foreground">
            <Lock className="size-3.5" aria-hidden />
            {t("settings.locked")}
          </p>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t("settings.quietTitle")}</CardTitle>
          <CardDescription>{t("settings.quietDescription")}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-3">
          <FormField
            name="quietStart"
            {...TIME_INPUT}
            placeholder={t("settings.timePlaceholder")}
            label={t("settings.quietStart")}
            value={quiet.quietStart}
            onChange={(e) => setQuiet((q) => ({ ...q, quietStart: e.target.value }))}
            onBlur={(e) => setQuiet((q) => ({ ...q, quietStart: normalizeTime(e.target.value) }))}
            errors={state.errors?.quietStart}
          />
          <FormField
            name="quietEnd"
            {...TIME_INPUT}
            placeholder={t("settings.timePlaceholder")}
            label={t("settings.quietEnd")}
            value={quiet.quietEnd}
            onChange={(e) => setQuiet((q) => ({ ...q, quietEnd: e.target.value }))}
            onBlur={(e) => setQuiet((q) => ({ ...q, quietEnd: normalizeTime(e.target.value) }))}
            errors={state.errors?.quietEnd}
          />
          <div className="grid gap-2">
            <Label htmlFor="field-timeZone">{t("settings.timeZone")}</Label>
            <NativeSelect
              id="field-timeZone"
              name="timeZone"
              value={quiet.timeZone}
              onChange={(e) => setQuiet((q) => ({ ...q, timeZone: e.target.value }))}
              aria-invalid={state.errors?.timeZone ? true : undefined}
            >
              {timeZones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </NativeSelect>
            {state.errors?.timeZone ? <p className="text-xs font-medium text-destructive">{state.errors.timeZone.join(" ")}</p> : null}
          </div>
        </CardContent>
      </Card>
      <Button type="submit" disabled={pending} className="w-full sm:w-fit" data-testid="notification-settings-save">
        {pending ? <Loader2 className="animate-spin" /> : null}
        {pending ? t("settings.saving") : t("settings.save")}
      </Button>
    </form>
  );
}
