import { getTranslations } from "next-intl/server";
import { Workflow } from "lucide-react";
import { EmptySectionPage } from "@/components/shell/section-page";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("strategies") };
}

export default function StrategiesPage() {
  return <EmptySectionPage section="strategies" icon={Workflow} />;
}
