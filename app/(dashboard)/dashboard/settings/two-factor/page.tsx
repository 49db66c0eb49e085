import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ArrowLeft } from "lucide-react";
import { TwoFactorManager, type TwoFactorSetup } from "@/components/auth/two-factor-manager";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { requirePageUser } from "@/lib/auth/session";
import { totpQrDataUrl } from "@/lib/auth/totp";
import { getPendingEnrolment, getTwoFactorStatus } from "@/lib/auth/two-factor";

const PATH = "/dashboard/settings/two-factor";

export async function generateMetadata() {
  const t = await getTranslations("twoFactor");
  return { title: t("title") };
}

export default async function TwoFactorPage() {
  const user = await requirePageUser("dashboard.view", PATH);
  const t = await getTranslations("twoFactor");
  const format = await getFormatter();
  const status = await getTwoFactorStatus(user.id);
  let setup: TwoFactorSetup | null = null;
  if (!status.enabled) {
    const pending = await getPendingEnrolment(user.id, user.email);
    // The QR code is drawn here, on the server: the secret is never sent to a third party.
    if (pending) setup = { secret: pending.secret, uri: pending.uri, qr: await totpQrDataUrl(pending.uri) };
  }
  return (
    <>
      <PageHeader title={t("title")} subtitle={t("subtitle")}>
        <Button asChild variant="outline" size="sm">
          <Link href="/dashboard/settings">
            <ArrowLeft />
            {t("back")}
          </Link>
        </Button>
      </PageHeader>
      <TwoFactorManager
        enabled={status.enabled}
        enabledAtLabel={status.enabledAt ? format.dateTime(status.enabledAt, { dateStyle: "long" }) : null}
        remainingCodes={status.remainingCodes}
        setup={setup}
      />
    </>
  );
}
