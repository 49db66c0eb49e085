import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { LoginForm } from "@/components/auth/login-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { sessionLimits } from "@/lib/auth/session-limits";
import { safeRedirectPath } from "@/lib/request";

export async function generateMetadata() {
  const t = await getTranslations("auth");
  return { title: t("signIn") };
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const t = await getTranslations("auth");
  const notices: Record<string, string> = {
    disabled: t("sessionEndedDisabled"),
    ended: t("sessionEnded"),
    idle: t("sessionIdle"),
    expired: t("sessionExpired"),
  };
  const notice = params.error ? notices[params.error] : undefined;
  return (
    <Card className="shadow-lg">
      <CardHeader className="text-center">
        <CardTitle className="text-2xl">{t("loginTitle")}</CardTitle>
        <CardDescription>{t("loginSubtitle")}</CardDescription>
      </CardHeader>
      <CardContent>
        <LoginForm callbackUrl={safeRedirectPath(params.callbackUrl)} notice={notice} rememberDays={sessionLimits().remember / 86400} />
        <p className="mt-6 text-center text-sm text-muted-foreground">
          {t("noAccount")}{" "}
          <Link href="/register" className="font-medium text-primary hover:underline">
            {t("registerLink")}
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
