import { createTranslator } from "next-intl";
import { DEFAULT_LOCALE, isLocale, type Locale } from "@/lib/i18n/config";
import enTelegram from "@/messages/en.telegram.json";
import ruTelegram from "@/messages/ru.telegram.json";
import ukTelegram from "@/messages/uk.telegram.json";

const MESSAGES: Record<Locale, typeof enTelegram> = { en: enTelegram, ru: ruTelegram, uk: ukTelegram };

/** The user's stored locale, else the language Telegram reports for the sender, else English. */
export function botLocale(stored: string | null | undefined, telegramLanguage?: string | null): Locale {
  if (isLocale(stored)) return stored;
  const lang = telegramLanguage?.toLowerCase().split("-")[0];
  return isLocale(lang) ? lang : DEFAULT_LOCALE;
}

export function botTranslator(locale: Locale) {
  return createTranslator({ locale, messages: MESSAGES[locale], namespace: "telegram.bot" });
}

export type BotTranslator = ReturnType<typeof botTranslator>;
