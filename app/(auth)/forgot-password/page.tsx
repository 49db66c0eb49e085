import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

export async function generateMetadata() {
  const t = await getTranslations("email");
  return { title: t("forgot.title") };
}

export default async function ForgotPasswordPage() {
  const t = await getTranslations("email");
  const tAuth = await getTranslations("auth");
  return (
    <Card className="shadow-lg">
      <CardHeader className="text-center">
        <CardTitle className="text-2xl">{t("forgot.title")}</CardTitle>
        <CardDescription>{t("forgot.subtitle")}</CardDescription>
      </CardHeader>
      <CardContent>
        <ForgotPasswordForm />
        <p className="mt-6 text-center text-sm text-muted-foreground">
          {t("forgot.remembered")}{" "}
          <Link href="/login" className="font-medium text-primary hover:underline">
            {tAuth("loginLink")}
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
