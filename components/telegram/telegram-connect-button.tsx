"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { ExternalLink, Loader2 } from "lucide-react";
import type { ActionState } from "@/lib/actions/validated-action";
import { connectTelegramAction } from "@/lib/telegram/actions";
import { Button, type ButtonProps } from "@/components/ui/button";

/** "Connect Telegram": asks for a one-time code, then offers the t.me link (and the command to type). */
export function TelegramConnectButton({ label, minutes, variant = "default" }: { label: string; minutes: number; variant?: ButtonProps["variant"] }) {
  const t = useTranslations("telegram.connect");
  const [state, run, pending] = useActionState<ActionState, FormData>(connectTelegramAction, {});
  const url = state.ok ? state.reveal?.url : undefined;
  return (
    <div className="min-w-0 space-y-2">
      <form action={run}>
        <Button type="submit" variant={url ? "outline" : variant} size="sm" disabled={pending} data-testid="telegram-connect-button">
          {pending ? <Loader2 className="animate-spin" /> : null}
          {label}
        </Button>
      </form>
      {url ? (
        <div className="space-y-2 rounded-md border p-3" data-testid="telegram-code">
          <Button asChild size="sm">
            <a href={url} target="_blank" rel="noopener noreferrer" data-testid="telegram-open">
              <ExternalLink aria-hidden />
              {t("open")}
            </a>
          </Button>
          <p className="text-muted-foreground">{t("codeHint", { minutes })}</p>
          <p className="text-muted-foreground wrap-anywhere">
            {t("codeFallback", { bot: state.reveal?.bot ?? "", command: state.reveal?.command ?? "" })}
          </p>
        </div>
      ) : state.message ? (
        <p role="status" className="text-xs text-destructive">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
