import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ArrowRight, ListOrdered, Wallet, Workflow } from "lucide-react";
import { PageHeader } from "@/components/shell/app-shell";
import { Card, CardContent } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("overview") };
}

export default async function DashboardPage() {
  const user = await requirePageUser("dashboard.view", "/dashboard");
  const t = await getTranslations("dashboard");
  const steps = [
    { icon: Wallet, title: t("step1Title"), body: t("step1Body"), href: "/dashboard/accounts" },
    { icon: Workflow, title: t("step2Title"), body: t("step2Body"), href: "/dashboard/strategies" },
    { icon: ListOrdered, title: t("step3Title"), body: t("step3Body"), href: "/dashboard/orders" },
  ];
  return (
    <>
      <PageHeader title={t("welcome", { name: user.name })} subtitle={t("overviewSubtitle")} />
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
                    <span className="text-xs font-semibold text-muted-foreground">{index + 1} / 3</span>
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
