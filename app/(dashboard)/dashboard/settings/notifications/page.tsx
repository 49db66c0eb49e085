import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ArrowLeft } from "lucide-react";
import { NotificationSettingsForm } from "@/components/notifications/notification-settings-form";
import { PageHeader } from "@/components/shell/app-shell";
import { TelegramConnect } from "@/components/telegram/telegram-connect";
import { Button } from "@/components/ui/button";
import { getNotificationSettings } from "@/db/queries/notifications";
import { requirePageUser } from "@/lib/auth/session";
import { effectiveMatrix, EVENT_TYPES } from "@/lib/notifications/settings";

const PATH = "/dashboard/settings/notifications";

export async function generateMetadata() {
  const t = await getTranslations("notifications.settings");
  return { title: t("title") };
}

function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set(["UTC", current, ...all])];
}

export default async function NotificationSettingsPage() {
  const user = await requirePageUser("dashboard.view", PATH);
  const t = await getTranslations("notifications.settings");
  const tt = await getTranslations("twoFactor");
  const settings = await getNotificationSettings(null, user.id);
  const timeZone = settings?.timeZone ?? "UTC";
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("description")}>
        <Button asChild variant="outline" size="sm">
          <Link href="/dashboard/settings">
            <ArrowLeft />
            {tt("back")}
          </Link>
        </Button>
      </PageHeader>
      <div className="grid min-w-0 gap-6">
        <TelegramConnect />
        <NotificationSettingsForm
          types={EVENT_TYPES}
          matrix={effectiveMatrix(settings?.matrix)}
          quietStart={settings?.quietStart ?? ""}
          quietEnd={settings?.quietEnd ?? ""}
          timeZone={timeZone}
          timeZones={timeZones(timeZone)}
        />
      </div>
    </>
  );
}
