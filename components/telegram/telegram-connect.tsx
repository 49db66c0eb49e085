import { getFormatter, getTranslations } from "next-intl/server";
import { Send } from "lucide-react";
import { ConfirmForm } from "@/components/common/confirm-form";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { findTelegramLink } from "@/db/queries/telegram";
import { requireUser } from "@/lib/auth/session";
import { appOrigin } from "@/lib/env";
import { disconnectTelegramAction } from "@/lib/telegram/actions";
import { LINK_CODE_MINUTES, telegramConfig } from "@/lib/telegram";
import { TelegramConnectButton } from "./telegram-connect-button";

/** Settings → Notifications: connect the signed-in user's Telegram chat, see it, or disconnect it. */
export async function TelegramConnect() {
  const user = await requireUser("dashboard.view");
  const t = await getTranslations("telegram.connect");
  const format = await getFormatter();
  const { token, username, webhookSecret } = telegramConfig();
  const ready = Boolean(token && username && webhookSecret);
  const link = ready ? await findTelegramLink({ userId: user.id }) : undefined;

  return (
    <Card data-testid="telegram-connect">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <Send className="size-4" aria-hidden />
          {t("title")}
        </CardTitle>
        <CardDescription>{t("description")}</CardDescription>
      </CardHeader>
      <CardContent className="space-y-4 text-sm">
        {!ready ? (
          <Alert variant="info" data-testid="telegram-not-configured">
            <div className="min-w-0 space-y-2">
              <p className="font-medium">{t("notConfiguredTitle")}</p>
              <p>{t("notConfiguredBody")}</p>
              <ol className="list-decimal space-y-1 ps-5">
                <li>{t("notConfiguredStep1")}</li>
                <li>{t("notConfiguredStep2")}</li>
                <li className="wrap-anywhere">{t("notConfiguredStep3", { url: `${appOrigin()}/api/telegram/webhook` })}</li>
                <li>{t("notConfiguredStep4")}</li>
              </ol>
            </div>
          </Alert>
        ) : link ? (
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div className="min-w-0 space-y-1">
              <Badge variant="secondary" data-testid="telegram-linked">
                {link.username ? t("linkedAs", { username: link.username }) : t("linked")}
              </Badge>
              <p className="text-muted-foreground">{t("linkedSince", { date: format.dateTime(link.linkedAt, { dateStyle: "medium" }) })}</p>
            </div>
            <div className="flex flex-wrap items-start gap-2">
              <TelegramConnectButton label={t("reconnect")} minutes={LINK_CODE_MINUTES} variant="outline" />
              <ConfirmForm
                action={disconnectTelegramAction}
                fields={{}}
                trigger={t("disconnect")}
                title={t("disconnectTitle")}
                body={t("disconnectBody")}
                confirmLabel={t("disconnect")}
                testId="telegram-disconnect"
              />
            </div>
          </div>
        ) : (
          <div className="space-y-3">
            <p className="text-muted-foreground" data-testid="telegram-not-linked">
              {t("notLinked")}
            </p>
            <TelegramConnectButton label={t("connect")} minutes={LINK_CODE_MINUTES} />
          </div>
        )}
      </CardContent>
    </Card>
  );
}
