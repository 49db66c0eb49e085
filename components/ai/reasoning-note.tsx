import { getTranslations } from "next-intl/server";
import type { AiReasoning } from "@/db/queries/ai-sources";

/** The AI answer behind an order, folded under its market so the table stays narrow on a phone. */
export async function AiReasoningNote({ why }: { why: AiReasoning | undefined }) {
  if (!why) return null;
  const t = await getTranslations("ai");
  return (
    <details className="mt-1 max-w-72 text-xs font-normal" data-testid="ai-order-reasoning">
      <summary className="cursor-pointer text-muted-foreground">{t("reasoning", { source: why.source })}</summary>
      <p className="mt-1 whitespace-pre-wrap break-words">{why.reasoning}</p>
    </details>
  );
}
