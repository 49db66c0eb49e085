"use client";

import { useTransition } from "react";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { Languages } from "lucide-react";
import { setLocaleAction } from "@/lib/i18n/actions";
import { LOCALES, LOCALE_NAMES } from "@/lib/i18n/config";
import { cn } from "@/lib/utils";

export function LanguageSwitcher({ className, tone = "default" }: { className?: string; tone?: "default" | "sidebar" }) {
  const locale = useLocale();
  const t = useTranslations("common");
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  return (
    <label className={cn("relative inline-flex items-center", className)}>
      <Languages className={cn("pointer-events-none absolute left-2 size-4", tone === "sidebar" ? "text-sidebar-muted" : "text-muted-foreground")} />
      <span className="sr-only">{t("language")}</span>
      <select
        data-testid="language-switcher"
        aria-label={t("language")}
        value={locale}
        disabled={pending}
        onChange={(event) => {
          const data = new FormData();
          data.set("locale", event.target.value);
          startTransition(async () => {
            await setLocaleAction(data);
            router.refresh();
          });
        }}
        className={cn(
          "h-8 cursor-pointer appearance-none rounded-md border bg-transparent py-0 pl-8 pr-3 text-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
          tone === "sidebar" ? "border-white/10 text-sidebar-foreground [&>option]:text-black" : "border-input",
        )}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
