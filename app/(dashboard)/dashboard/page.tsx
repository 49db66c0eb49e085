import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ArrowRight, CheckCircle2, ListOrdered, Wallet, Workflow } from "lucide-react";
import { LiveRefresh } from "@/components/live/live-refresh";
import { liveVersion } from "@/components/live/live-version";
import { Pnl } from "@/components/orders/pnl";
import { PageHeader } from "@/components/shell/app-shell";
import { Card, CardContent } from "@/components/ui/card";
import { overviewCounts } from "@/db/queries/strategies";
import { requirePageUser } from "@/lib/auth/session";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("overview") };
}

export default async function DashboardPage() {
  const user = await requirePageUser("dashboard.view", "/dashboard");
  const version = await liveVersion();
  const t = await getTranslations("dashboard");
  const counts = await overviewCounts(user.id);
  const steps = [
    { icon: Wallet, title: t("step1Title"), body: t("step1Body"), href: "/dashboard/accounts", done: counts.accounts > 0 },
    { icon: Workflow, title: t("step2Title"), body: t("step2Body"), href: "/dashboard/strategies", done: counts.strategies > 0 },
    { icon: ListOrdered, title: t("step3Title"), body: t("step3Body"), href: "/dashboard/orders", done: counts.orders > 0 },
  ];
  const tiles = [
    { label: t("tiles.accounts"), value: String(counts.accounts), href: "/dashboard/accounts" },
    { label: t("tiles.strategies"), value: t("tiles.activeOf", { active: counts.activeStrategies, total: counts.strategies }), href: "/dashboard/strategies" },
    { label: t("tiles.openOrders"), value: String(counts.openOrders), href: "/dashboard/orders" },
    {
      label: t("tiles.realized"),
      value: (
        <>
          <Pnl value={counts.realizedPnl} /> <span className="text-sm font-normal text-muted-foreground">USDT</span>
        </>
      ),
      href: "/dashboard/statistics",
    },
  ];
  const started = steps.every((s) => s.done);
  return (
    <>
      <PageHeader title={t("welcome", { name: user.name })} subtitle={started ? t("overviewSubtitleActive") : t("overviewSubtitle")}>
        <LiveRefresh version={version} />
      </PageHeader>
      {counts.accounts > 0 ? (
        <ul className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4" data-testid="overview-tiles">
          {tiles.map((tile) => (
            <li key={tile.href}>
              <Link href={tile.href} className="block h-full">
                <Card className="h-full transition-shadow hover:shadow-md">
                  <CardContent className="grid gap-1 p-4">
                    <p className="text-xs font-medium text-muted-foreground">{tile.label}</p>
                    <p className="text-xl font-semibold tabular-nums">{tile.value}</p>
                  </CardContent>
                </Card>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
      <ol className="grid gap-4 md:grid-cols-3" data-testid="getting-started">
        {steps.map((step, index) => (
          <li key={step.href}>
            <Link href={step.href} className="group block h-full">
              <Card className="h-full transition-shadow group-hover:shadow-md">
                <CardContent className="flex h-full flex-col gap-3 p-5">
                  <div className="flex items-center justify-between">
                    <span className="flex size-10 items-center justify-center rounded-lg bg-primary/10 text-primary">
                      <step.icon className="size-5" />
                    </span>
                    {step.done ? (
                      <span className="flex items-center gap-1 text-xs font-semibold text-emerald-600" data-testid="step-done">
                        <CheckCircle2 className="size-4" />
                        {t("stepDone")}
                      </span>
                    ) : (
                      <span className="text-xs font-semibold text-muted-foreground">{index + 1} / 3</span>
                    )}
                  </div>
                  <h2 className="font-semibold">{step.title}</h2>
                  <p className="flex-1 text-sm text-muted-foreground">{step.body}</p>
                  <ArrowRight className="size-4 text-primary transition-transform group-hover:translate-x-1" />
                </CardContent>
              </Card>
            </Link>
          </li>
        ))}
      </ol>
    </>
  );
}
