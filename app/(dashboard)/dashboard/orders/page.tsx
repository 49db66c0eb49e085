import { getTranslations } from "next-intl/server";
import { ListOrdered } from "lucide-react";
import { EmptySectionPage } from "@/components/shell/section-page";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("orders") };
}

export default function OrdersPage() {
  return <EmptySectionPage section="orders" icon={ListOrdered} />;
}
