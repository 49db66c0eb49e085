import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import en from "@/messages/en.json";
import enRebalancer from "@/messages/en.rebalancer.json";
import enAi from "@/messages/en.ai.json";
import enSystem from "@/messages/en.system.json";
import en2fa from "@/messages/en.2fa.json";
import enDevice from "@/messages/en.device.json";
import enEmail from "@/messages/en.email.json";
import enOverview from "@/messages/en.overview.json";
import enReconcile from "@/messages/en.reconcile.json";
import enCharts from "@/messages/en.charts.json";
import enStatistics from "@/messages/en.statistics.json";
import enPerpetuals from "@/messages/en.perpetuals.json";
import enNotifications from "@/messages/en.notifications.json";
import enTelegram from "@/messages/en.telegram.json";
import ru from "@/messages/ru.json";
import ruRebalancer from "@/messages/ru.rebalancer.json";
import ruAi from "@/messages/ru.ai.json";
import ruSystem from "@/messages/ru.system.json";
import ru2fa from "@/messages/ru.2fa.json";
import ruDevice from "@/messages/ru.device.json";
import ruEmail from "@/messages/ru.email.json";
import ruOverview from "@/messages/ru.overview.json";
import ruReconcile from "@/messages/ru.reconcile.json";
import ruCharts from "@/messages/ru.charts.json";
import ruStatistics from "@/messages/ru.statistics.json";
import ruPerpetuals from "@/messages/ru.perpetuals.json";
import ruNotifications from "@/messages/ru.notifications.json";
import ruTelegram from "@/messages/ru.telegram.json";
import uk from "@/messages/uk.json";
import ukRebalancer from "@/messages/uk.rebalancer.json";
import ukAi from "@/messages/uk.ai.json";
import ukSystem from "@/messages/uk.system.json";
import uk2fa from "@/messages/uk.2fa.json";
import ukDevice from "@/messages/uk.device.json";
import ukEmail from "@/messages/uk.email.json";
import ukOverview from "@/messages/uk.overview.json";
import ukReconcile from "@/messages/uk.reconcile.json";
import ukCharts from "@/messages/uk.charts.json";
import ukStatistics from "@/messages/uk.statistics.json";
import ukPerpetuals from "@/messages/uk.perpetuals.json";
import ukNotifications from "@/messages/uk.notifications.json";
import ukTelegram from "@/messages/uk.telegram.json";
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, localeFromAcceptLanguage, type Locale } from "./config";

const MESSAGES = {
  en: { ...en, ...enSystem, ...enEmail, ...en2fa, ...enDevice, ...enOverview, ...enReconcile, ...enCharts, ...enStatistics, ...enPerpetuals, ...enTelegram, ...enNotifications, ...enRebalancer, ...enAi },
  ru: { ...ru, ...ruSystem, ...ruEmail, ...ru2fa, ...ruDevice, ...ruOverview, ...ruReconcile, ...ruCharts, ...ruStatistics, ...ruPerpetuals, ...ruTelegram, ...ruNotifications, ...ruRebalancer, ...ruAi },
  uk: { ...uk, ...ukSystem, ...ukEmail, ...uk2fa, ...ukDevice, ...ukOverview, ...ukReconcile, ...ukCharts, ...ukStatistics, ...ukPerpetuals, ...ukTelegram, ...ukNotifications, ...ukRebalancer, ...ukAi },
} as const;

export async function resolveLocale(): Promise<Locale> {
  const fromCookie = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(fromCookie)) return fromCookie;
  return localeFromAcceptLanguage((await headers()).get("accept-language")) ?? DEFAULT_LOCALE;
}

export default getRequestConfig(async () => {
  const locale = await resolveLocale();
  return {
    locale,
    timeZone: "UTC",
    messages: MESSAGES[locale],
  };
});
