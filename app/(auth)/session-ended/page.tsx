import { getTranslations } from "next-intl/server";
import { LogOut } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { logoutAction } from "@/lib/auth/actions";

export async function generateMetadata() {
  const t = await getTranslations("auth");
  return { title: t("signOut"), robots: { index: false, follow: false } };
}

/**
 * Where a sign-out asked for by another site lands (see /api/session/end): signing out takes a POST from
 * this page, so a link or an image elsewhere cannot sign anyone out.
 */
export default async function SessionEndedPage() {
  const t = await getTranslations("auth");
  return (
    <Card className="shadow-lg" data-testid="session-ended">
      <CardContent className="flex flex-col items-center gap-4 p-8 text-center">
        <p className="text-sm leading-relaxed text-muted-foreground">{t("sessionEnded")}</p>
        <form action={logoutAction} className="w-full">
          <Button type="submit" className="w-full" data-testid="session-ended-sign-out">
            <LogOut />
            {t("signOut")}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
