import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { AlertCircle } from "lucide-react";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { checkResetToken } from "@/lib/auth/password-reset";

export async function generateMetadata() {
  const t = await getTranslations("email");
  // The token is in the address: never send it on as a Referer.
  return { title: t("reset.title"), referrer: "no-referrer" as const };
}

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : "";
  const t = await getTranslations("email");
  const check = await checkResetToken(token);

  if (!check.ok) {
    return (
      <Card className="shadow-lg" data-testid="reset-link-problem" data-reason={check.reason}>
        <CardHeader className="text-center">
          <CardTitle className="text-2xl">{t(`reset.${check.reason}Title`)}</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4">
          <Alert variant="destructive" data-testid="form-message">
            <AlertCircle />
            <span>{t(`reset.${check.reason}`)}</span>
          </Alert>
          <Button asChild className="w-full">
            <Link href="/forgot-password">{t("reset.requestNew")}</Link>
          </Button>
        </CardContent>
      </Card>
    );
  }

  return (
    <Card className="shadow-lg">
      <CardHeader className="text-center">
        <CardTitle className="text-2xl">{t("reset.title")}</CardTitle>
        <CardDescription>{t("reset.subtitle")}</CardDescription>
      </CardHeader>
      <CardContent>
        <ResetPasswordForm token={token} />
      </CardContent>
    </Card>
  );
}
