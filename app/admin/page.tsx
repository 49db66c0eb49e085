import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Hourglass, Shield, TrendingUp, Users } from "lucide-react";
import { VenueBans } from "@/components/admin/venue-bans";
import { AdminMismatches } from "@/components/reconcile/admin-mismatches";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { countUsersByRole } from "@/lib/users";
import { cn } from "@/lib/utils";
import { requirePageUser } from "@/lib/auth/session";

// The users page's waiting list (its section's anchor), not the top of the page.
const WAITING_LIST = "/admin/users#pending";

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
    { label: t("statPending"), value: counts.pending, icon: Hourglass, highlight: counts.pending > 0, href: WAITING_LIST, testId: "stat-pending" },
    { label: t("statTraders"), value: counts.traders, icon: TrendingUp },
    { label: t("statAdmins"), value: counts.admins, icon: Shield },
  ];
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("overviewSubtitle")}>
        <Button asChild variant={counts.pending > 0 ? "default" : "outline"}>
          <Link href={WAITING_LIST} data-testid="review-pending" data-count={counts.pending}>
            {t("reviewWaiting", { count: counts.pending })}
          </Link>
        </Button>
      </PageHeader>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {stats.map((s) => {
          const card = (
            <Card className={cn("h-full", s.highlight && "border-amber-400/60", s.href && "transition-colors hover:bg-muted/50")}>
              <CardContent className="flex items-center gap-4 p-5">
                <span className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-primary/10 text-primary">
                  <s.icon className="size-5" />
                </span>
                <div className="min-w-0">
                  <p className="text-2xl font-semibold tabular-nums" data-testid={s.testId}>
                    {s.value}
                  </p>
                  <p className="text-xs text-muted-foreground">{s.label}</p>
                </div>
              </CardContent>
            </Card>
          );
          return s.href ? (
            <Link key={s.label} href={s.href} className="block rounded-xl focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring">
              {card}
            </Link>
          ) : (
            <div key={s.label}>{card}</div>
          );
        })}
      </div>
      <AdminMismatches className="mt-6" />
      <VenueBans className="mt-6" />
    </>
  );
}
