import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { KeyRound, Power, ShieldCheck } from "lucide-react";
import { Brand } from "@/components/brand";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { Button } from "@/components/ui/button";
import { auth } from "@/lib/auth/auth";
import { homeFor } from "@/lib/auth/roles";

export default async function LandingPage() {
  const session = await auth();
  if (session?.user?.id) redirect(homeFor(session.user.role));
  const t = await getTranslations();
  const features = [
    { icon: ShieldCheck, title: t("landing.feature1Title"), body: t("landing.feature1Body") },
    { icon: KeyRound, title: t("landing.feature2Title"), body: t("landing.feature2Body") },
    { icon: Power, title: t("landing.feature3Title"), body: t("landing.feature3Body") },
  ];
  return (
    <div className="min-h-dvh bg-sidebar text-sidebar-foreground">
      <header className="mx-auto flex max-w-6xl items-center justify-between px-4 py-5 sm:px-8">
        <span className="text-white">
          <Brand name={t("common.appName")} />
        </span>
        <div className="flex items-center gap-2">
          <LanguageSwitcher tone="sidebar" />
          <Button asChild variant="ghost" className="text-white hover:bg-white/10 hover:text-white">
            <Link href="/login">{t("landing.signIn")}</Link>
          </Button>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 pb-20 pt-12 sm:px-8 sm:pt-24">
        <h1 className="max-w-3xl text-4xl font-semibold tracking-tight text-white sm:text-5xl">{t("landing.headline")}</h1>
        <p className="mt-6 max-w-2xl text-lg leading-relaxed text-sidebar-foreground/80">{t("landing.body")}</p>
        <div className="mt-10 flex flex-wrap gap-3">
          <Button asChild size="lg" className="bg-indigo-500 hover:bg-indigo-400">
            <Link href="/register">{t("landing.register")}</Link>
          </Button>
          <Button asChild size="lg" variant="outline" className="border-white/20 bg-transparent text-white hover:bg-white/10 hover:text-white">
            <Link href="/login">{t("landing.signIn")}</Link>
          </Button>
        </div>
        <ul className="mt-20 grid gap-6 sm:grid-cols-3">
          {features.map((f) => (
            <li key={f.title} className="rounded-xl border border-white/10 bg-white/[0.03] p-6">
              <f.icon className="size-6 text-indigo-300" />
              <h2 className="mt-4 font-semibold text-white">{f.title}</h2>
              <p className="mt-2 text-sm leading-relaxed text-sidebar-foreground/70">{f.body}</p>
            </li>
          ))}
        </ul>
      </main>
    </div>
  );
}
