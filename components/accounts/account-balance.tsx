import Decimal from "decimal.js";
import { getFormatter, getLocale, getNow, getTranslations } from "next-intl/server";
import { Loader2 } from "lucide-react";
import { cardBalance, type BalanceSnapshot } from "@/lib/accounts";

/** A decimal string for display, cut (not rounded up) to two places and grouped for the locale, exactly. */
function displayAmount(value: string, locale: string) {
  const cut = new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed();
  // Intl formats a numeric string exactly (no trip through a float).
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(cut as `${number}`);
}

/** The card's balance line: the quote-currency total, how many other assets, and how old the read is. */
export async function BalanceSummary({ snapshot, pending = false, stale = false }: { snapshot: BalanceSnapshot | null; pending?: boolean; stale?: boolean }) {
  const t = await getTranslations("accounts");
  const format = await getFormatter();
  const locale = await getLocale();
  const state = pending ? "loading" : stale ? "stale" : snapshot ? "fresh" : "none";
  if (!snapshot) {
    return (
      <div className="flex items-center gap-1.5 text-sm text-muted-foreground" data-testid="card-balance" data-state={state}>
        {pending ? <Loader2 className="size-3.5 animate-spin" aria-hidden /> : null}
        {pending ? t("cardBalanceLoading") : stale ? t("cardBalanceStale") : t("cardBalanceNone")}
      </div>
    );
  }
  const now = new Date(Math.max((await getNow()).getTime(), snapshot.takenAt.getTime()));
  return (
    <div className="grid gap-0.5" data-testid="card-balance" data-state={state} data-quote-total={snapshot.quoteTotal} data-asset={snapshot.quoteAsset}>
      <div className="flex flex-wrap items-baseline gap-x-2">
        <span className="text-lg font-semibold tabular-nums" data-testid="card-balance-total">
          {displayAmount(snapshot.quoteTotal, locale)} {snapshot.quoteAsset}
        </span>
        <span className="text-xs text-muted-foreground" data-testid="card-balance-others">
          {t("cardBalanceOthers", { count: snapshot.otherAssets })}
        </span>
      </div>
      <div className="flex flex-wrap items-center gap-x-1.5 text-xs text-muted-foreground" data-testid="card-balance-age">
        <span>{t("cardBalanceAsOf", { time: format.relativeTime(snapshot.takenAt, now) })}</span>
        {pending ? <Loader2 className="size-3 animate-spin" aria-label={t("cardBalanceLoading")} /> : null}
        {stale ? <span className="text-amber-700 dark:text-amber-400">· {t("cardBalanceStale")}</span> : null}
      </div>
    </div>
  );
}

/** Refreshes the balance when the stored one is old (streamed in: the page never waits on the venue). */
export async function LiveBalance({ userId, accountId }: { userId: string; accountId: string }) {
  const { snapshot, error } = await cardBalance(userId, accountId);
  return <BalanceSummary snapshot={snapshot} stale={error !== null} />;
}
