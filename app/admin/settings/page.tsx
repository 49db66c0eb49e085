import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { TwoFactorRequireSwitch } from "@/components/auth/two-factor-require-switch";
import { PageHeader } from "@/components/shell/app-shell";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getSetting, SETTINGS } from "@/db/queries/app-settings";
import { requirePageUser } from "@/lib/auth/session";
import { adminTwoFactorCoverage } from "@/lib/auth/two-factor";

export async function generateMetadata() {
  const t = await getTranslations("twoFactor.admin");
  return { title: t("title") };
}

export default async function AdminSettingsPage() {
  await requirePageUser("users.manage", "/admin/settings");
  const t = await getTranslations("twoFactor.admin");
  const [required, coverage] = await Promise.all([
    getSetting<unknown>(SETTINGS.require2faAdmins, false).then((v) => v === true),
    adminTwoFactorCoverage(),
  ]);
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")} />
      <Card className="max-w-2xl" data-testid="admin-security-settings">
        <CardHeader>
          <CardTitle>{t("securityTitle")}</CardTitle>
          <CardDescription>{t("securityBody")}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <TwoFactorRequireSwitch enabled={required} />
          <p className="border-t pt-4 text-sm text-muted-foreground" data-testid="admin-2fa-coverage">
            {t("coverage", { enrolled: coverage.enrolled, total: coverage.total })}{" "}
            <Link href="/dashboard/settings/two-factor" className="font-medium text-primary hover:underline">
              {t("ownLink")}
            </Link>
          </p>
        </CardContent>
      </Card>
    </>
  );
}
