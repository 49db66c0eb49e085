import { getTranslations } from "next-intl/server";
import { Wallet } from "lucide-react";
import { EmptySectionPage } from "@/components/shell/section-page";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("accounts") };
}

export default function AccountsPage() {
  return <EmptySectionPage section="accounts" icon={Wallet} />;
}
