import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ArrowLeft, Radio, Wallet } from "lucide-react";
import { PageHeader } from "@/components/shell/app-shell";
import { StrategyForm, type StrategyFormAccount } from "@/components/strategies/strategy-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { aiSignalsForUser } from "@/db/queries/ai-sources";
import { getAccountForTrading, listAccounts } from "@/db/queries/exchange-accounts";
import { listSignals } from "@/db/queries/signals";
import { listEnabledSignals } from "@/db/queries/strategies";
import { requirePageUser } from "@/lib/auth/session";
import { appOrigin } from "@/lib/env";
import { clientForAccount } from "@/lib/exchanges";
import { tradingViewTemplate, webhookUrl } from "@/lib/signals";

export async function generateMetadata() {
  const t = await getTranslations("strategies");
  return { title: t("new") };
}

async function symbolsOf(userId: string, accountId: string) {
  try {
    const account = await getAccountForTrading(userId, accountId);
    if (!account) return [];
    const markets = await (await clientForAccount(account)).markets();
    return markets.filter((m) => ["USDT", "USDC", "FDUSD"].includes(m.quote)).map((m) => m.symbol).slice(0, 800);
  } catch {
    return [];
  }
}

export default async function NewStrategyPage() {
  const user = await requirePageUser("trading.manage", "/dashboard/strategies/new");
  const t = await getTranslations("strategies");
  const [accounts, signals, schemes, ai] = await Promise.all([listAccounts(user.id), listEnabledSignals(), listSignals(), aiSignalsForUser(user.id)]);
  const aiSignals = new Set(ai.signalIds);
  const legacy = new Set(schemes.filter((s) => s.signingScheme === "legacy").map((s) => s.id));
  const origin = appOrigin();
  const formAccounts: StrategyFormAccount[] = await Promise.all(
    accounts.map(async (a) => ({ id: a.id, label: a.label, symbols: await symbolsOf(user.id, a.id), perpetual: a.exchange !== "paper" && !a.spot, perpProtection: a.exchange === "binance", paper: a.exchange === "paper" })),
  );
  const back = (
    <Button asChild variant="ghost" size="sm" className="mb-2 -ml-2 text-muted-foreground">
      <Link href="/dashboard/strategies">
        <ArrowLeft />
        {t("back")}
      </Link>
    </Button>
  );
  if (accounts.length === 0 || signals.length === 0) {
    const noAccount = accounts.length === 0;
    return (
      <>
        {back}
        <PageHeader title={t("new")} />
        <EmptyState icon={noAccount ? Wallet : Radio} title={noAccount ? t("needAccountTitle") : t("needSignalTitle")} description={noAccount ? t("needAccountBody") : t("needSignalBody")}>
          {noAccount ? (
            <Button asChild>
              <Link href="/dashboard/accounts/new">{t("addAccount")}</Link>
            </Button>
          ) : null}
        </EmptyState>
      </>
    );
  }
  return (
    <>
      {back}
      <PageHeader title={t("new")} subtitle={t("newSubtitle")} />
      <Card className="max-w-3xl">
        <CardContent className="pt-6">
          <StrategyForm
            accounts={formAccounts}
            signals={signals.map((s) => ({ ...s, template: tradingViewTemplate(s.name), url: webhookUrl(origin, s.name), legacy: legacy.has(s.id), ai: aiSignals.has(s.id) }))}
            suggestPaper={!ai.followed}
          />
        </CardContent>
      </Card>
    </>
  );
}
