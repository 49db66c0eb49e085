import { createTranslator } from "next-intl";
import { DEFAULT_LOCALE, isLocale, type Locale } from "@/lib/i18n/config";
import enEmail from "@/messages/en.email.json";
import ruEmail from "@/messages/ru.email.json";
import ukEmail from "@/messages/uk.email.json";
import { renderContent, type EmailContent, type RenderedEmail } from "./layout";

export type { RenderedEmail } from "./layout";

// The email copy lives in messages/{en,ru,uk}.email.json ("email.templates"), beside the UI text.
const MESSAGES: Record<Locale, typeof enEmail> = { en: enEmail, ru: ruEmail, uk: ukEmail };
const DATE_LOCALE: Record<Locale, string> = { en: "en-GB", ru: "ru-RU", uk: "uk-UA" };

/** A user's stored locale (may be null or something unsupported) as one the templates speak. */
export function emailLocale(locale: string | null | undefined): Locale {
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

function translator(locale: string | null | undefined) {
  const lang = emailLocale(locale);
  const t = createTranslator({ locale: lang, messages: MESSAGES[lang], namespace: "email.templates" });
  return { lang, t };
}

/** Dates in emails are spelled out in UTC: the reader's time zone is unknown. */
export function formatEmailDate(value: Date | string, locale: string | null | undefined): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const formatted = new Intl.DateTimeFormat(DATE_LOCALE[emailLocale(locale)], {
    dateStyle: "long",
    timeStyle: "short",
    timeZone: "UTC",
  }).format(date);
  return `${formatted} UTC`;
}

function common(t: ReturnType<typeof translator>["t"], name: string | null | undefined) {
  const trimmed = name?.trim();
  return {
    greeting: trimmed ? t("greeting", { name: trimmed }) : t("greetingNoName"),
    signature: t("signature"),
    footer: t("footer"),
    appName: t("appName"),
    linkHint: t("linkHint"),
  };
}

export function renderPasswordReset(input: {
  locale: string | null | undefined;
  name: string | null | undefined;
  link: string;
  expiresMinutes: number;
}): RenderedEmail {
  const { lang, t } = translator(input.locale);
  const content: EmailContent = {
    lang,
    ...common(t, input.name),
    subject: t("passwordReset.subject"),
    preheader: t("passwordReset.preheader"),
    paragraphs: [t("passwordReset.intro")],
    actions: [{ label: t("passwordReset.action"), href: input.link }],
    after: [t("passwordReset.expiry", { minutes: input.expiresMinutes }), t("passwordReset.ignore")],
  };
  return renderContent(content);
}

export function renderVerifyEmail(input: {
  locale: string | null | undefined;
  name: string | null | undefined;
  link: string;
}): RenderedEmail {
  const { lang, t } = translator(input.locale);
  return renderContent({
    lang,
    ...common(t, input.name),
    subject: t("verifyEmail.subject"),
    preheader: t("verifyEmail.preheader"),
    paragraphs: [t("verifyEmail.intro")],
    actions: [{ label: t("verifyEmail.action"), href: input.link }],
    after: [t("verifyEmail.ignore")],
  });
}

export function renderLockout(input: {
  locale: string | null | undefined;
  name: string | null | undefined;
  until: Date | string | null | undefined;
  resetLink: string;
}): RenderedEmail {
  const { lang, t } = translator(input.locale);
  const until = input.until ? t("lockout.until", { until: formatEmailDate(input.until, lang) }) : t("lockout.untilUnknown");
  return renderContent({
    lang,
    ...common(t, input.name),
    subject: t("lockout.subject"),
    preheader: t("lockout.preheader"),
    paragraphs: [t("lockout.intro"), until, t("lockout.advice")],
    actions: [{ label: t("lockout.action"), href: input.resetLink }],
  });
}

export function renderNewDevice(input: {
  locale: string | null | undefined;
  name: string | null | undefined;
  browser: string | null | undefined;
  os: string | null | undefined;
  country: string | null | undefined;
  ip: string | null | undefined;
  time: Date | string;
  yesLink: string;
  noLink: string;
}): RenderedEmail {
  const { lang, t } = translator(input.locale);
  const or = (value: string | null | undefined) => value?.trim() || t("unknown");
  return renderContent({
    lang,
    ...common(t, input.name),
    linkHint: undefined,
    subject: t("newDevice.subject"),
    preheader: t("newDevice.preheader"),
    paragraphs: [t("newDevice.intro")],
    details: [
      { label: t("newDevice.browser"), value: or(input.browser) },
      { label: t("newDevice.os"), value: or(input.os) },
      { label: t("newDevice.country"), value: or(input.country) },
      { label: t("newDevice.ip"), value: or(input.ip) },
      { label: t("newDevice.time"), value: formatEmailDate(input.time, lang) },
    ],
    prompt: t("newDevice.question"),
    after: [t("newDevice.noHint")],
    actions: [
      { label: t("newDevice.yes"), href: input.yesLink, tone: "secondary" },
      { label: t("newDevice.no"), href: input.noLink, tone: "danger" },
    ],
  });
}

/** To an admin: a new account registered and waits for approval. `link` opens the admin's users page. */
export function renderApprovalRequest(input: {
  locale: string | null | undefined;
  name: string | null | undefined;
  user: { name: string; email: string; createdAt: Date | string };
  link: string;
}): RenderedEmail {
  const { lang, t } = translator(input.locale);
  return renderContent({
    lang,
    ...common(t, input.name),
    subject: t("approvalRequest.subject"),
    preheader: t("approvalRequest.preheader"),
    paragraphs: [t("approvalRequest.intro")],
    details: [
      { label: t("approvalRequest.name"), value: input.user.name },
      { label: t("approvalRequest.email"), value: input.user.email },
      { label: t("approvalRequest.registered"), value: formatEmailDate(input.user.createdAt, lang) },
    ],
    actions: [{ label: t("approvalRequest.action"), href: input.link }],
    after: [t("approvalRequest.why")],
  });
}

/** To the user: an admin approved the account. `link` opens the dashboard. */
export function renderAccountApproved(input: {
  locale: string | null | undefined;
  name: string | null | undefined;
  link: string;
}): RenderedEmail {
  const { lang, t } = translator(input.locale);
  return renderContent({
    lang,
    ...common(t, input.name),
    subject: t("accountApproved.subject"),
    preheader: t("accountApproved.preheader"),
    paragraphs: [t("accountApproved.intro")],
    actions: [{ label: t("accountApproved.action"), href: input.link }],
    after: [t("accountApproved.signIn")],
  });
}
