import { getTranslations } from "next-intl/server";
import { BarChart3 } from "lucide-react";
import { EmptySectionPage } from "@/components/shell/section-page";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("statistics") };
}

export default function StatisticsPage() {
  return <EmptySectionPage section="statistics" icon={BarChart3} />;
}
