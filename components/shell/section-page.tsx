import type { LucideIcon } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePageUser } from "@/lib/auth/session";
import { PageHeader } from "./app-shell";

type Section = "strategies" | "accounts" | "orders" | "statistics";

/** A dashboard section that has nothing to show yet: says what will appear and why. */
export async function EmptySectionPage({ section, icon, children }: { section: Section; icon: LucideIcon; children?: React.ReactNode }) {
  await requirePageUser("dashboard.view", `/dashboard/${section}`);
  const t = await getTranslations("dashboard");
  return (
    <>
      <PageHeader title={t(`${section}Title`)} subtitle={t(`${section}Subtitle`)} />
      <EmptyState icon={icon} title={t(`${section}EmptyTitle`)} description={t(`${section}EmptyBody`)}>
        {children}
      </EmptyState>
    </>
  );
}
