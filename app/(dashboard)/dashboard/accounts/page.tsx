import { Suspense } from "react";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ChevronRight, FlaskConical, KeyRound, Plus, Wallet } from "lucide-react";
import { BalanceSummary, LiveBalance } from "@/components/accounts/account-balance";
import { PageHeader } from "@/components/shell/app-shell";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { listAccounts } from "@/db/queries/exchange-accounts";
import { balanceSnapshots } from "@/lib/accounts";
import { requirePageUser } from "@/lib/auth/session";
import { exchangeInfo } from "@/lib/exchanges/catalog";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("accounts") };
}

export default async function AccountsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const user = await requirePageUser("dashboard.view", "/dashboard/accounts");
  const { removed } = await searchParams;
  const t = await getTranslations();
  const format = await getFormatter();
  const [accounts, snapshots] = await Promise.all([listAccounts(user.id), balanceSnapshots(user.id)]);
  const addButton = (
    <Button asChild data-testid="add-account">
      <Link href="/dashboard/accounts/new">
        <Plus />
        {t("accounts.addAccount")}
      </Link>
    </Button>
  );

  return (
    <>
      <PageHeader title={t("dashboard.accountsTitle")} subtitle={t("dashboard.accountsSubtitle")}>
        {accounts.length ? addButton : null}
      </PageHeader>
      {removed ? (
        <Alert className="mb-4" data-testid="account-removed">
          <span>{t("accounts.removed")}</span>
        </Alert>
      ) : null}
      {accounts.length === 0 ? (
        <EmptyState icon={Wallet} title={t("dashboard.accountsEmptyTitle")} description={t("dashboard.accountsEmptyBody")}>
          {addButton}
        </EmptyState>
      ) : (
        <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3" data-testid="account-list">
          {accounts.map((a) => (
            <Link key={a.id} href={`/dashboard/accounts/${a.id}`} className="group min-w-0" data-testid="account-card" data-account-id={a.id}>
              <Card className="grid h-full gap-3 p-4 transition-colors group-hover:border-primary/50 group-hover:bg-accent/40">
                <div className="flex items-center gap-4">
                  <div className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-primary/10 text-primary">
                    {a.exchange === "paper" ? <FlaskConical className="size-5" /> : <KeyRound className="size-5" />}
                  </div>
                  <div className="min-w-0 flex-1">
                    <div className="font-medium wrap-anywhere">{a.label}</div>
                    <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-muted-foreground">
                      <Badge variant="secondary">{a.exchange === "paper" ? t("accounts.paper") : exchangeInfo(a.exchange)?.name}</Badge>
                      {a.sandbox ? <Badge variant="warning">{t("accounts.sandboxBadge")}</Badge> : null}
                      {a.exchange !== "paper" ? (
                        <span>
                          {[a.spot && t("accounts.spot"), a.futures && t("accounts.futures")].filter(Boolean).join(" + ")} · ••••{a.keyHint}
                        </span>
                      ) : (
                        <span>{t("accounts.addedOn", { date: format.dateTime(a.createdAt, { dateStyle: "medium" }) })}</span>
                      )}
                      {a.withdrawalsEnabled ? <Badge variant="destructive">{t("accounts.withdrawalsBadge")}</Badge> : null}
                    </div>
                  </div>
                  <ChevronRight className="size-4 shrink-0 text-muted-foreground transition-transform group-hover:translate-x-0.5" />
                </div>
                <div className="border-t pt-3">
                  {/* The stored balance shows at once; a fresh read streams in when it is old. */}
                  <Suspense fallback={<BalanceSummary snapshot={snapshots.get(a.id) ?? null} pending />}>
                    <LiveBalance userId={user.id} accountId={a.id} />
                  </Suspense>
                </div>
              </Card>
            </Link>
          ))}
        </div>
      )}
    </>
  );
}
