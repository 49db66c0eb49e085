import { getFormatter, getTranslations } from "next-intl/server";
import { AlertTriangle } from "lucide-react";
import { formatDecimal } from "@/components/orders/order-history";
import { Alert } from "@/components/ui/alert";
import { listOpenMismatches, type OpenMismatch } from "@/db/queries/reconcile";
import { cn } from "@/lib/utils";

type Finding = Pick<OpenMismatch, "id" | "accountLabel" | "market" | "asset" | "kind" | "booked" | "held" | "difference" | "firstSeenAt" | "lastSeenAt">;

/** Which wording a finding takes: spot only ever flags a shortfall; perpetuals flag either way. */
export function mismatchCase(f: Pick<Finding, "market" | "kind">) {
  return f.market === "swap" ? (f.kind === "excess" ? "swapExcess" : "swapShortfall") : "spotShortfall";
}

/** A signed figure with the asset it counts (a perpetual's figures are in its base asset). */
export function amountOf(value: string, asset: string, signed = false) {
  const unit = asset.split("/")[0];
  const text = formatDecimal(value);
  return `${signed && !text.startsWith("-") && text !== "0" ? "+" : ""}${text} ${unit}`;
}

/** One banner per open finding: the figures, since when, and what the trader should do. */
export async function MismatchBanners({ findings, className }: { findings: Finding[]; className?: string }) {
  if (findings.length === 0) return null;
  const t = await getTranslations("reconcile");
  const format = await getFormatter();
  const when = (d: Date) => format.dateTime(d, { dateStyle: "short", timeStyle: "short" });
  return (
    <div className={cn("grid gap-3", className)} data-testid="mismatch-banners">
      {findings.map((f) => {
        const key = mismatchCase(f);
        return (
          <Alert key={f.id} className="border-amber-500/50 bg-amber-500/5 text-amber-950 dark:text-amber-100" data-testid="mismatch-banner" data-asset={f.asset} data-kind={f.kind}>
            <AlertTriangle className="text-amber-600 dark:text-amber-400" />
            <div className="grid min-w-0 gap-1 wrap-anywhere">
              <p className="font-medium">{t(`title.${key}`, { asset: f.asset })}</p>
              <p className="tabular-nums" data-testid="mismatch-figures">
                {t("figures", { account: f.accountLabel, booked: amountOf(f.booked, f.asset), held: amountOf(f.held, f.asset), difference: amountOf(f.difference, f.asset, true) })}
              </p>
              <p>
                <span className="font-medium">{t("suggested")}:</span> {t(`action.${key}`)}
              </p>
              <p className="text-xs text-muted-foreground">
                {t("seen", { first: when(f.firstSeenAt), last: when(f.lastSeenAt) })} {t("neverTrades")}
              </p>
            </div>
          </Alert>
        );
      })}
    </div>
  );
}

/** The trader's overview: every open finding of the signed-in user (nothing when there is none). */
export async function OverviewMismatches({ userId }: { userId: string }) {
  return <MismatchBanners findings={await listOpenMismatches({ userId })} />;
}
