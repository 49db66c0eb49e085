import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ShieldAlert } from "lucide-react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { isTwoFactorEnabled, isTwoFactorRequiredFor } from "@/lib/auth/two-factor";

export const TWO_FACTOR_SETTINGS_PATH = "/dashboard/settings/two-factor";

/**
 * For the admin layout: when "Require two-factor authentication for admins" is on and this admin has
 * not turned 2FA on, a banner on every admin page leads them to set it up. Renders nothing otherwise.
 */
export async function TwoFactorRequiredBanner({ user }: { user: { id: string; role: number } }) {
  if (!(await isTwoFactorRequiredFor(user.role))) return null;
  if (await isTwoFactorEnabled(user.id)) return null;
  const t = await getTranslations("twoFactor.banner");
  return (
    <Alert className="mb-6 flex-wrap border-amber-500/50 bg-amber-500/5 text-amber-900 dark:text-amber-200" data-testid="two-factor-required-banner">
      <ShieldAlert className="text-amber-600" />
      <div className="grid min-w-0 flex-1 gap-1">
        <p className="font-medium">{t("title")}</p>
        <p className="text-amber-900/80 dark:text-amber-200/80">{t("body")}</p>
      </div>
      <Button asChild size="sm" className="w-full sm:w-auto">
        <Link href={TWO_FACTOR_SETTINGS_PATH}>{t("action")}</Link>
      </Button>
    </Alert>
  );
}
