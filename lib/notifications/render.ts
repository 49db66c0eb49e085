import { createTranslator } from "next-intl";
import type { NotificationPayload } from "@/db/schema/notifications";
import { renderContent } from "@/lib/email/layout";
import { emailLocale, formatEmailDate } from "@/lib/email/templates";
import { DEFAULT_LOCALE, type Locale } from "@/lib/i18n/config";
import enEmail from "@/messages/en.email.json";
import enNotifications from "@/messages/en.notifications.json";
import ruEmail from "@/messages/ru.email.json";
import ruNotifications from "@/messages/ru.notifications.json";
import ukEmail from "@/messages/uk.email.json";
import ukNotifications from "@/messages/uk.notifications.json";
import { typeKey } from "./type-key";
import type { RenderedMessage } from "./types";

const MESSAGES = {
  en: { ...enEmail, ...enNotifications },
  ru: { ...ruEmail, ...ruNotifications },
  uk: { ...ukEmail, ...ukNotifications },
} as const satisfies Record<Locale, unknown>;

const TEXT_LIMIT = 4_096;


// Every argument a line may use, so a payload without one still renders.
const BLANK = { scope: "strategy", side: "", amount: "", symbol: "", price: "—", account: "—", strategy: "—", reason: "—", error: "—", pnl: "0", currency: "", status: "done", dry: "false", planned: "0", placed: "0", skipped: "0" };

function values(t: ReturnType<typeof notificationTranslator>["t"], payload: NotificationPayload) {
  const out: Record<string, string> = { ...BLANK };
  for (const [k, v] of Object.entries(payload)) if (v !== null && v !== undefined) out[k] = String(v);
  if (out.side === "buy" || out.side === "sell") out.side = t(`sides.${out.side}`);
  return out;
}

export function notificationTranslator(locale: string | null | undefined) {
  const lang = emailLocale(locale);
  return { lang, t: createTranslator({ locale: lang, messages: MESSAGES[lang] ?? MESSAGES[DEFAULT_LOCALE], namespace: "notifications" }) };
}

/** One event as one sentence, in the reader's language. */
export function eventLine(t: ReturnType<typeof notificationTranslator>["t"], type: string, payload: NotificationPayload): string {
  const key = typeKey(type);
  if (!(key in enNotifications.notifications.lines)) return type;
  return t(`lines.${key}` as "lines.orderFilled", values(t, payload));
}

/** One message for a group of a user's events (one event or a burst), as email HTML and plain text. */
export function renderNotification(input: {
  locale: string | null | undefined;
  name: string | null | undefined;
  events: Array<{ type: string; payload: NotificationPayload; createdAt: Date }>;
  link: string;
}): RenderedMessage {
  const { lang, t } = notificationTranslator(input.locale);
  const mail = createTranslator({ locale: lang, messages: MESSAGES[lang], namespace: "email.templates" });
  const count = input.events.length;
  const first = input.events[0];
  const subject =
    count === 1 && first
      ? `${t(`types.${typeKey(first.type)}` as "types.orderFilled")}${first.payload.symbol ? `: ${String(first.payload.symbol)}` : ""}`
      : t("email.subjectGroup", { count });
  const lines = input.events.map((e) => eventLine(t, e.type, e.payload));
  const name = input.name?.trim();
  const content = renderContent({
    lang,
    appName: mail("appName"),
    greeting: name ? mail("greeting", { name }) : mail("greetingNoName"),
    signature: mail("signature"),
    footer: mail("footer"),
    subject,
    preheader: t("email.preheader"),
    paragraphs: [count === 1 ? t("email.intro") : t("email.introGroup", { count })],
    details: input.events.map((e, i) => ({ label: formatEmailDate(e.createdAt, lang), value: lines[i]! })),
    actions: [{ label: t("email.action"), href: input.link }],
    after: [t("email.manage")],
  });
  const text = [subject, ...lines].join("\n");
  return { subject: content.subject, html: content.html, text: text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT - 1)}…` : text };
}

