"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { AlertTriangle, CheckCircle2, CircleHelp, Loader2, PlugZap, XCircle } from "lucide-react";
import { testConnectionAction, type ConnectionTestState } from "@/app/(dashboard)/dashboard/accounts/actions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/lib/utils";

const LOOK = {
  ok: { icon: CheckCircle2, tone: "text-emerald-600", badge: "success" },
  warn: { icon: AlertTriangle, tone: "text-amber-600", badge: "warning" },
  failed: { icon: XCircle, tone: "text-destructive", badge: "destructive" },
  unknown: { icon: CircleHelp, tone: "text-muted-foreground", badge: "secondary" },
} as const;

/** "Test connection": runs the checks on the server and lists each with what to do. */
export function ConnectionTest({ accountId, exchange }: { accountId: string; exchange: string }) {
  const t = useTranslations("accounts.connection");
  const [state, action, pending] = useActionState<ConnectionTestState, FormData>(testConnectionAction, {});
  const checks = pending ? [] : (state.checks ?? []);

  return (
    <Card data-testid="connection-test" aria-busy={pending}>
      <CardHeader className="flex-row flex-wrap items-center justify-between gap-3 sm:flex-nowrap">
        <div className="min-w-0 flex-1">
          <CardTitle>{t("title")}</CardTitle>
          <CardDescription>{t("hint", { exchange })}</CardDescription>
        </div>
        <form action={action} className="shrink-0">
          <input type="hidden" name="accountId" value={accountId} />
          <Button type="submit" variant="outline" size="sm" disabled={pending} data-testid="test-connection">
            {pending ? <Loader2 className="animate-spin" /> : <PlugZap />}
            {pending ? t("running") : t("run")}
          </Button>
        </form>
      </CardHeader>
      {!pending && state.message ? (
        <CardContent className="grid gap-3">
          <p
            role="status"
            className={cn(
              "text-sm font-medium",
              !state.ok ? "text-destructive" : checks.some((c) => c.status === "warn") ? "text-amber-700 dark:text-amber-400" : "text-emerald-700 dark:text-emerald-400",
            )}
            data-testid="connection-summary"
            data-ok={state.ok ? "true" : "false"}
          >
            {state.message}
          </p>
          {checks.length ? (
            <ul className="grid gap-2" data-testid="connection-checks">
              {checks.map((c) => {
                const look = LOOK[c.status];
                return (
                  <li key={c.id} className="flex gap-3 rounded-lg border p-3" data-testid="connection-check" data-check={c.id} data-status={c.status}>
                    <look.icon className={cn("mt-0.5 size-4 shrink-0", look.tone)} aria-hidden />
                    <div className="min-w-0 flex-1">
                      <div className="flex flex-wrap items-center gap-2">
                        <span className="text-sm font-medium">{c.title}</span>
                        <Badge variant={look.badge}>{t(`status.${c.status}`)}</Badge>
                      </div>
                      <p className="mt-1 text-sm text-muted-foreground wrap-anywhere" data-testid="connection-check-text">
                        {c.text}
                      </p>
                    </div>
                  </li>
                );
              })}
            </ul>
          ) : null}
        </CardContent>
      ) : null}
    </Card>
  );
}
