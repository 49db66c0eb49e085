import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { STAT_PERIODS, type StatPeriod } from "@/lib/statistics";
import { cn } from "@/lib/utils";

function Chip({ href, active, children, testId }: { href: string; active: boolean; children: React.ReactNode; testId: string }) {
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      data-testid={testId}
      className={cn(
        "inline-flex h-8 items-center whitespace-nowrap rounded-md px-3 text-sm font-medium transition-colors",
        active ? "bg-background text-foreground shadow-sm" : "text-muted-foreground hover:text-foreground",
      )}
    >
      {children}
    </Link>
  );
}

const hrefOf = (period: StatPeriod, account?: string) => {
  const params = new URLSearchParams({ period });
  if (account) params.set("account", account);
  return `/dashboard/statistics?${params}`;
};

/** Period and account, as links (they are the page's search params: a view can be shared or bookmarked). */
export async function StatisticsFilters({ period, account, accounts }: { period: StatPeriod; account?: string; accounts: { id: string; label: string }[] }) {
  const t = await getTranslations("statistics");
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="statistics-filters">
      <nav aria-label={t("periodLabel")} className="inline-flex rounded-lg bg-muted p-1">
        {STAT_PERIODS.map((p) => (
          <Chip key={p} href={hrefOf(p, account)} active={p === period} testId={`period-${p}`}>
            {t(`period.${p}`)}
          </Chip>
        ))}
      </nav>
      {accounts.length > 1 || account ? (
        <nav aria-label={t("accountLabel")} className="flex max-w-full overflow-x-auto rounded-lg bg-muted p-1">
          <Chip href={hrefOf(period)} active={!account} testId="account-all">
            {t("allAccounts")}
          </Chip>
          {accounts.map((a) => (
            <Chip key={a.id} href={hrefOf(period, a.id)} active={a.id === account} testId="account-filter">
              {a.label}
            </Chip>
          ))}
        </nav>
      ) : null}
    </div>
  );
}
