import Link from "next/link";
import Decimal from "decimal.js";
import { getFormatter, getTranslations } from "next-intl/server";
import { ChevronRight } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { PublicAccount } from "@/db/queries/exchange-accounts";
import type { BalanceSnapshot } from "@/lib/accounts";
import { exchangeInfo } from "@/lib/exchanges/catalog";
import { OverviewSection } from "./section";

/**
 * Each account's balance as last read (by its page, its card or a connection test): the overview reads no
 * exchange for it, so it shows the reading's age, and an account never read says where to read it.
 */
export async function Balances({ accounts, snapshots }: { accounts: PublicAccount[]; snapshots: Map<string, BalanceSnapshot> }) {
  const t = await getTranslations("overview");
  const ta = await getTranslations("accounts");
  const format = await getFormatter();
  return (
    <OverviewSection title={t("balancesTitle")} subtitle={t("balancesSubtitle")} data-testid="balances">
      <ul className="divide-y">
        {accounts.map((account) => {
          const snapshot = snapshots.get(account.id);
          return (
            <li key={account.id}>
              <Link
                href={`/dashboard/accounts/${account.id}`}
                className="group flex items-center gap-3 px-4 py-3 text-sm transition-colors hover:bg-accent/40"
                data-testid="balance"
                data-account={account.label}
              >
                <div className="min-w-0 flex-1">
                  <div className="flex flex-wrap items-center gap-1.5">
                    <span className="font-medium wrap-anywhere">{account.label}</span>
                    <Badge variant="secondary">{account.exchange === "paper" ? ta("paper") : (exchangeInfo(account.exchange)?.name ?? account.exchange)}</Badge>
                  </div>
                  {snapshot ? (
                    <div className="mt-0.5 text-xs text-muted-foreground">
                      {snapshot.otherAssets > 0 ? `${t("balanceOthers", { count: snapshot.otherAssets })} · ` : ""}
                      {t("balanceAsOf", { when: format.relativeTime(snapshot.takenAt) })}
                    </div>
                  ) : (
                    <div className="mt-0.5 text-xs text-muted-foreground">{t("balanceNotReadHint")}</div>
                  )}
                </div>
                <div className="text-right tabular-nums" data-testid="balance-value">
                  {snapshot ? (
                    <>
                      <span className="font-semibold">{new Decimal(snapshot.quoteTotal).toFixed(2)}</span>{" "}
                      <span className="text-xs text-muted-foreground">{snapshot.quoteAsset}</span>
                    </>
                  ) : (
                    <span className="text-muted-foreground">—</span>
                  )}
                </div>
                <ChevronRight className="size-4 shrink-0 text-muted-foreground transition-transform group-hover:translate-x-0.5" aria-hidden />
              </Link>
            </li>
          );
        })}
      </ul>
    </OverviewSection>
  );
}
