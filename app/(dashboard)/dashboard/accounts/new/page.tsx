import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ArrowLeft } from "lucide-react";
import { AddAccountForm } from "@/components/accounts/add-account-form";
import { PageHeader } from "@/components/shell/app-shell";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { requirePageUser } from "@/lib/auth/session";
import { env } from "@/lib/env";

export async function generateMetadata() {
  const t = await getTranslations("accounts");
  return { title: t("addAccount") };
}

export default async function NewAccountPage() {
  await requirePageUser("trading.manage", "/dashboard/accounts/new");
  const t = await getTranslations("accounts");
  const outboundIps = (env().OUTBOUND_IPS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return (
    <>
      <Button asChild variant="ghost" size="sm" className="mb-2 -ml-2 text-muted-foreground">
        <Link href="/dashboard/accounts">
          <ArrowLeft />
          {t("back")}
        </Link>
      </Button>
      <PageHeader title={t("addAccount")} subtitle={t("addSubtitle")} />
      <Card className="max-w-3xl">
        <CardContent className="pt-6">
          <AddAccountForm outboundIps={outboundIps} />
        </CardContent>
      </Card>
    </>
  );
}
