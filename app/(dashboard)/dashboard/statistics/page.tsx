import { getTranslations } from "next-intl/server";
import { BarChart3 } from "lucide-react";
import { EmptySectionPage } from "@/components/shell/section-page";
import { requirePageUser } from "@/lib/auth/session";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("statistics") };
}

export default async function StatisticsPage() {
  await requirePageUser("dashboard.view", "/dashboard/statistics");
  return <EmptySectionPage section="statistics" icon={BarChart3} />;
}
