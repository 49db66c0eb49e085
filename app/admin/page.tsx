import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Hourglass, Shield, TrendingUp, Users } from "lucide-react";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { countUsersByRole } from "@/lib/users";
import { requirePageUser } from "@/lib/auth/session";

export async function generateMetadata() {
  const t = await getTranslations("admin");
  return { title: t("title") };
}

export default async function AdminOverviewPage() {
  await requirePageUser("admin.view", "/admin");
  const t = await getTranslations("admin");
  const counts = await countUsersByRole();
  const stats = [
    { label: t("statUsers"), value: counts.total, icon: Users },
    { label: t("statPending"), value: counts.pending, icon: Hourglass, highlight: counts.pending > 0 },
    { label: t("statTraders"), value: counts.traders, icon: TrendingUp },
    { label: t("statAdmins"), value: counts.admins, icon: Shield },
  ];
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("overviewSubtitle")}>
        <Button asChild>
          <Link href="/admin/users">{t("reviewPending")}</Link>
        </Button>
      </PageHeader>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {stats.map((s) => (
          <Card key={s.label} className={s.highlight ? "border-amber-400/60" : undefined}>
            <CardContent className="flex items-center gap-4 p-5">
              <span className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-primary/10 text-primary">
                <s.icon className="size-5" />
              </span>
              <div>
                <p className="text-2xl font-semibold tabular-nums">{s.value}</p>
                <p className="text-xs text-muted-foreground">{s.label}</p>
              </div>
            </CardContent>
          </Card>
        ))}
      </div>
    </>
  );
}
