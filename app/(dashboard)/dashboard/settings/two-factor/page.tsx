import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { ArrowLeft, ShieldAlert } from "lucide-react";
import { TwoFactorManager, type TwoFactorSetup } from "@/components/auth/two-factor-manager";
import { PageHeader } from "@/components/shell/app-shell";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SETUP_PERMISSION } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/auth/session";
import { totpQrDataUrl } from "@/lib/auth/totp";
import { getPendingEnrolment, getTwoFactorStatus, needsTwoFactorSetup } from "@/lib/auth/two-factor";

const PATH = "/dashboard/settings/two-factor";

export async function generateMetadata() {
  const t = await getTranslations("twoFactor");
  return { title: t("title") };
}

export default async function TwoFactorPage() {
  const user = await requirePageUser(SETUP_PERMISSION, PATH);
  const t = await getTranslations("twoFactor");
  const format = await getFormatter();
  const status = await getTwoFactorStatus(user.id);
  const required = !status.enabled && (await needsTwoFactorSetup(user.id, user.role));
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
      {required ? (
        <Alert variant="info" className="mb-4" data-testid="two-factor-required">
          <ShieldAlert />
          <span>{t("requiredNotice")}</span>
        </Alert>
      ) : null}
      <TwoFactorManager
        enabled={status.enabled}
        enabledAtLabel={status.enabledAt ? format.dateTime(status.enabledAt, { dateStyle: "long" }) : null}
        remainingCodes={status.remainingCodes}
        setup={setup}
      />
    </>
  );
}
