"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { Loader2, Play, Trash2 } from "lucide-react";
import { deleteAiSourceAction, runAiSourceNowAction, setAiSourceEnabledAction } from "@/app/admin/ai/actions";
import type { ActionState } from "@/lib/actions/validated-action";
import { ConfirmForm } from "@/components/common/confirm-form";
import { Button } from "@/components/ui/button";

/** Run now, enable/disable and delete (behind a confirmation) for one source. */
export function AiSourceControls({ sourceId, name, enabled }: { sourceId: string; name: string; enabled: boolean }) {
  const t = useTranslations("ai");
  const [runState, run, running] = useActionState<ActionState, FormData>(runAiSourceNowAction, {});
  const [toggleState, toggle, toggling] = useActionState<ActionState, FormData>(setAiSourceEnabledAction, {});
  const message = runState.message ?? toggleState.message;
  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap items-start gap-2">
        <form action={run}>
          <input type="hidden" name="sourceId" value={sourceId} />
          <Button size="sm" type="submit" disabled={running} data-testid="ai-run-now">
            {running ? <Loader2 className="animate-spin" /> : <Play />}
            {t("runNow")}
          </Button>
        </form>
        <form action={toggle}>
          <input type="hidden" name="sourceId" value={sourceId} />
          <input type="hidden" name="enabled" value={enabled ? "false" : "true"} />
          <Button size="sm" variant="outline" type="submit" disabled={toggling} data-testid="ai-toggle">
            {enabled ? t("disable") : t("enable")}
          </Button>
        </form>
        <ConfirmForm
          action={deleteAiSourceAction}
          fields={{ sourceId }}
          trigger={
            <>
              <Trash2 />
              {t("delete")}
            </>
          }
          title={t("deleteTitle", { name })}
          body={t("deleteBody")}
          confirmLabel={t("delete")}
          testId="ai-delete"
        />
      </div>
      {message ? (
        <p className="text-sm text-muted-foreground" role="status" data-testid="ai-control-message">
          {message}
        </p>
      ) : null}
    </div>
  );
}
