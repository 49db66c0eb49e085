import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import en from "@/messages/en.json";
import en2fa from "@/messages/en.2fa.json";
import enDevice from "@/messages/en.device.json";
import enEmail from "@/messages/en.email.json";
import enOverview from "@/messages/en.overview.json";
import ru from "@/messages/ru.json";
import ru2fa from "@/messages/ru.2fa.json";
import ruDevice from "@/messages/ru.device.json";
import ruEmail from "@/messages/ru.email.json";
import ruOverview from "@/messages/ru.overview.json";
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, localeFromAcceptLanguage, type Locale } from "./config";

const MESSAGES = { en: { ...en, ...enEmail, ...en2fa, ...enDevice, ...enOverview }, ru: { ...ru, ...ruEmail, ...ru2fa, ...ruDevice, ...ruOverview } } as const;

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
