import { getTranslations } from "next-intl/server";
import { cn } from "@/lib/utils";

/** Why a signal was not traded, in the trader's words, and one sentence on what to change. */
export async function SkipReason({ reason, withHelp = true, className }: { reason: string | null; withHelp?: boolean; className?: string }) {
  const t = await getTranslations("strategies");
  if (!reason) return null;
  const text = t.has(`skip.${reason}`) ? t(`skip.${reason}` as "skip.unknown") : reason;
  const help = withHelp && t.has(`skipHelp.${reason}`) ? t(`skipHelp.${reason}` as "skipHelp.unknown") : null;
  return (
    <span className={cn("grid gap-0.5 text-xs", className)}>
      <span className="font-medium text-foreground" data-testid="skip-reason">
        {text}
      </span>
      {help ? (
        <span className="text-muted-foreground" data-testid="skip-help">
          {help}
        </span>
      ) : null}
    </span>
  );
}
