import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ArrowRight, KeyRound, Power, ShieldCheck } from "lucide-react";
import { Brand } from "@/components/brand";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { ProductPreview } from "@/components/landing/product-preview";
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
  const steps = [t("landing.step1"), t("landing.step2"), t("landing.step3")];
  return (
    <div className="flex min-h-dvh flex-col bg-[radial-gradient(ellipse_at_top,_oklch(0.93_0.04_264),_transparent_55%)]" data-testid="landing">
      <header className="mx-auto flex w-full max-w-6xl items-center justify-between gap-3 px-4 py-4 sm:px-8">
        <Link href="/" aria-label={t("common.appName")}>
          <Brand name={t("common.appName")} />
        </Link>
        <div className="flex items-center gap-2">
          <LanguageSwitcher />
          <Button asChild variant="ghost" size="sm">
            <Link href="/login">{t("landing.signIn")}</Link>
          </Button>
        </div>
      </header>

      <main className="flex-1">
        <section className="mx-auto grid max-w-6xl items-center gap-12 px-4 pb-16 pt-10 sm:px-8 sm:pt-16 lg:grid-cols-[1.1fr_1fr] lg:pb-24 lg:pt-24">
          <div className="min-w-0">
            <p className="inline-flex items-center gap-2 rounded-full border bg-card px-3 py-1 text-xs font-medium text-muted-foreground shadow-xs">
              <span className="size-1.5 rounded-full bg-emerald-500" />
              {t("landing.eyebrow")}
            </p>
            <h1 className="mt-5 text-3xl font-semibold tracking-tight text-balance sm:text-5xl">{t("landing.headline")}</h1>
            <p className="mt-5 max-w-xl text-base leading-relaxed text-muted-foreground sm:text-lg">{t("landing.body")}</p>
            <div className="mt-8 flex flex-col gap-3 sm:flex-row">
              <Button asChild size="lg">
                <Link href="/register">
                  {t("landing.register")}
                  <ArrowRight />
                </Link>
              </Button>
              <Button asChild size="lg" variant="outline">
                <Link href="/login">{t("landing.signIn")}</Link>
              </Button>
            </div>
            <p className="mt-4 text-xs text-muted-foreground">{t("landing.venues")}</p>
          </div>
          <ProductPreview />
        </section>

        <section className="border-y bg-card/60">
          <ul className="mx-auto grid max-w-6xl gap-4 px-4 py-12 sm:px-8 md:grid-cols-3 md:gap-6 lg:py-16">
            {features.map((f) => (
              <li key={f.title} className="rounded-xl border bg-card p-6 shadow-sm">
                <span className="flex size-10 items-center justify-center rounded-lg bg-primary/10 text-primary">
                  <f.icon className="size-5" />
                </span>
                <h2 className="mt-4 font-semibold">{f.title}</h2>
                <p className="mt-2 text-sm leading-relaxed text-muted-foreground">{f.body}</p>
              </li>
            ))}
          </ul>
        </section>

        <section className="mx-auto max-w-6xl px-4 py-12 sm:px-8 lg:py-16">
          <h2 className="text-xl font-semibold tracking-tight sm:text-2xl">{t("landing.howTitle")}</h2>
          <ol className="mt-6 grid gap-4 md:grid-cols-3 md:gap-6">
            {steps.map((step, i) => (
              <li key={step} className="flex gap-4">
                <span className="flex size-8 shrink-0 items-center justify-center rounded-full border bg-card text-sm font-semibold tabular-nums text-primary shadow-xs">
                  {i + 1}
                </span>
                <p className="pt-1 text-sm leading-relaxed text-muted-foreground">{step}</p>
              </li>
            ))}
          </ol>
        </section>
      </main>

      <footer className="border-t">
        <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 py-6 text-xs text-muted-foreground sm:flex-row sm:items-center sm:justify-between sm:px-8">
          <span>{t("common.tagline")}</span>
          <span className="flex gap-4">
            <Link href="/login" className="hover:text-foreground">
              {t("landing.signIn")}
            </Link>
            <Link href="/register" className="hover:text-foreground">
              {t("landing.register")}
            </Link>
          </span>
        </div>
      </footer>
    </div>
  );
}
