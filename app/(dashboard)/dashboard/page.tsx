import { Suspense } from "react";
import { getTranslations } from "next-intl/server";
import { LiveRefresh } from "@/components/live/live-refresh";
import { liveVersion } from "@/components/live/live-version";
import { Balances } from "@/components/overview/balances";
import { GettingStarted } from "@/components/overview/getting-started";
import { OpenPositions, OpenPositionsLoading } from "@/components/overview/open-positions";
import { RecentActivity } from "@/components/overview/recent-activity";
import { OverviewMismatches } from "@/components/reconcile/mismatch-banner";
import { SummaryTiles } from "@/components/overview/summary-tiles";
import { PageHeader } from "@/components/shell/app-shell";
import { listOrderActivity } from "@/db/queries/activity";
import { listAccounts } from "@/db/queries/exchange-accounts";
import { overviewCounts } from "@/db/queries/strategies";
import { balanceSnapshots } from "@/lib/accounts";
import { requirePageUser } from "@/lib/auth/session";
import { utcDay } from "@/lib/overview";
import { realizedPnlByQuote } from "@/lib/statistics/pnl";

const RECENT = 6;

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("overview") };
}

export default async function DashboardPage() {
  const user = await requirePageUser("dashboard.view", "/dashboard");
  const version = await liveVersion();
  const t = await getTranslations("dashboard");
  const [counts, accounts, snapshots] = await Promise.all([overviewCounts(user.id), listAccounts(user.id), balanceSnapshots(user.id)]);
  const started = counts.accounts > 0 && counts.strategies > 0;
  const header = (
    <PageHeader title={t("welcome", { name: user.name })} subtitle={started ? t("overviewSubtitleActive") : t("overviewSubtitle")}>
      <LiveRefresh version={version} />
    </PageHeader>
  );
  const balances = accounts.length ? <Balances accounts={accounts} snapshots={snapshots} /> : null;

  if (!started) {
    return (
      <>
        {header}
        <div className="grid gap-6 lg:grid-cols-3 [&>*]:min-w-0">
          <div className={balances ? "lg:col-span-2" : "lg:col-span-3 xl:col-span-2"}>
            <GettingStarted accounts={counts.accounts} strategies={counts.strategies} orders={counts.orders} />
          </div>
          {balances}
        </div>
      </>
    );
  }

  // The same figures as the Statistics page: the ledger's FIFO P&L, today's and all of it.
  const [today, allTime, activity] = await Promise.all([
    realizedPnlByQuote({ userId: user.id, ...utcDay(new Date()) }),
    realizedPnlByQuote({ userId: user.id }),
    listOrderActivity({ userId: user.id, view: "all", pageSize: RECENT }),
  ]);
  return (
    <>
      {header}
      <div className="grid gap-6 [&>*]:min-w-0">
        <OverviewMismatches userId={user.id} />
        <SummaryTiles counts={counts} today={today} allTime={allTime} />
        {/* Prices come from the exchanges: the rest of the page does not wait for them. */}
        <Suspense fallback={<OpenPositionsLoading />}>
          <OpenPositions userId={user.id} />
        </Suspense>
        <div className="grid gap-6 lg:grid-cols-3 [&>*]:min-w-0">
          <RecentActivity rows={activity.rows} total={activity.total} className="lg:col-span-2" />
          {balances}
        </div>
      </div>
    </>
  );
}
