import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Button } from "@/components/ui/button";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { PageHeader } from "@/components/shell/app-shell";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { AuditTable } from "@/components/admin/audit-table";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { searchAudit } from "@/db/queries/audit";
import { requirePageUser } from "@/lib/auth/session";

export async function generateMetadata() {
  const t = await getTranslations("nav");
  return { title: t("settings") };
}

export default async function SettingsPage() {
  const user = await requirePageUser("dashboard.view", "/dashboard/settings");
  const t = await getTranslations();
  const format = await getFormatter();
  const { rows: events } = await searchAudit({ userId: user.id, pageSize: 20 });
  return (
    <>
      <PageHeader title={t("dashboard.settingsTitle")} subtitle={t("dashboard.settingsSubtitle")} />
      {/* min-w-0: the activity table scrolls inside its card instead of widening the page on a phone. */}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2 [&>*]:min-w-0">
        <Card>
          <CardHeader>
            <CardTitle>{t("dashboard.profileTitle")}</CardTitle>
            <CardDescription>{t("dashboard.profileBody")}</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-6 gap-y-3 text-sm">
              <dt className="text-muted-foreground">{t("auth.name")}</dt>
              <dd className="font-medium wrap-anywhere">{user.name}</dd>
              <dt className="text-muted-foreground">{t("auth.email")}</dt>
              <dd className="break-all font-medium">{user.email}</dd>
              <dt className="text-muted-foreground">{t("dashboard.role")}</dt>
              <dd>
                <Badge variant="secondary">{t(`roles.${user.role}` as "roles.1")}</Badge>
              </dd>
              <dt className="text-muted-foreground">{t("dashboard.memberSince")}</dt>
              <dd>{format.dateTime(user.createdAt, { dateStyle: "long" })}</dd>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>{t("dashboard.languageTitle")}</CardTitle>
            <CardDescription>{t("dashboard.languageBody")}</CardDescription>
          </CardHeader>
          <CardContent>
            <LanguageSwitcher />
          </CardContent>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>{t("passwordChange.title")}</CardTitle>
            <CardDescription>{t("passwordChange.body")}</CardDescription>
          </CardHeader>
          <CardContent>
            <ChangePasswordForm />
          </CardContent>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader className="flex-row flex-wrap items-center justify-between gap-3">
            <div>
              <CardTitle>{t("audit.twoFactorTitle")}</CardTitle>
              <CardDescription>{t("audit.twoFactorBody")}</CardDescription>
            </div>
            <Button asChild variant="outline" data-testid="open-two-factor">
              <Link href="/dashboard/settings/two-factor">{t("audit.twoFactorManage")}</Link>
            </Button>
          </CardHeader>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader className="flex-row flex-wrap items-center justify-between gap-3">
            <div>
              <CardTitle>{t("devices.settingsCard")}</CardTitle>
              <CardDescription>{t("devices.settingsCardBody")}</CardDescription>
            </div>
            <Button asChild variant="outline" data-testid="open-devices">
              <Link href="/dashboard/settings/devices">{t("devices.manage")}</Link>
            </Button>
          </CardHeader>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader className="flex-row flex-wrap items-center justify-between gap-3">
            <div>
              <CardTitle>{t("notifications.settings.link")}</CardTitle>
              <CardDescription>{t("notifications.settings.linkDescription")}</CardDescription>
            </div>
            <Button asChild variant="outline" data-testid="open-notifications">
              <Link href="/dashboard/settings/notifications">{t("notifications.settings.open")}</Link>
            </Button>
          </CardHeader>
        </Card>
        <Card className="lg:col-span-2" id="security">
          <CardHeader>
            <CardTitle>{t("audit.securityTitle")}</CardTitle>
            <CardDescription>{t("audit.securityBody")}</CardDescription>
          </CardHeader>
          <CardContent>
            {events.length ? <AuditTable rows={events} showUsers={false} /> : <p className="text-sm text-muted-foreground">{t("audit.empty")}</p>}
          </CardContent>
        </Card>
      </div>
    </>
  );
}
