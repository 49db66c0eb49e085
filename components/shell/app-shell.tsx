import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { PublicUser } from "@/db/queries/users";
import { Brand } from "@/components/brand";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { ROLES } from "@/lib/auth/roles";
import { LazyNotificationBell, LazyUserMenu } from "./lazy-header";
import { MobileNav } from "./mobile-nav";
import { SideNav, type ShellSection } from "./nav";

export async function AppShell({
  user,
  section,
  headerExtra,
  children,
}: {
  user: PublicUser;
  section: ShellSection;
  headerExtra?: React.ReactNode;
  children: React.ReactNode;
}) {
  const t = await getTranslations("common");
  const isAdmin = user.role >= ROLES.admin;
  const brand = <Brand name={t("appName")} />;
  return (
    <div className="flex min-h-dvh">
      {/* In the flow, not fixed: the dark column stretches with the page however long it is; its links stay in view. */}
      <aside className="hidden w-60 shrink-0 bg-sidebar md:block" data-testid="sidebar">
        <div className="sticky top-0 flex h-dvh flex-col overflow-y-auto pb-4">
          <Link href={section === "admin" ? "/admin" : "/dashboard"} className="px-6 py-5 text-white">
            {brand}
          </Link>
          <SideNav section={section} isAdmin={isAdmin} />
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-20 flex h-14 items-center gap-2 border-b bg-background/85 px-3 backdrop-blur sm:px-6">
          <MobileNav section={section} isAdmin={isAdmin} brand={brand} />
          {/* Hidden on the narrowest phones: the bell, the switches and the language need the room (the menu shows the brand). */}
          <Link href="/dashboard" className="hidden min-[440px]:inline md:hidden">
            <span className="font-semibold tracking-tight">{t("appName")}</span>
          </Link>
          <div className="ml-auto flex items-center gap-2 sm:gap-3">
            {headerExtra}
            <LazyNotificationBell />
            <LanguageSwitcher />
            <LazyUserMenu name={user.name} email={user.email} role={user.role} />
          </div>
        </header>
        <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6 lg:px-8 lg:py-8">{children}</main>
      </div>
    </div>
  );
}

export function PageHeader({ title, subtitle, children }: { title: string; subtitle?: string; children?: React.ReactNode }) {
  return (
    <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight wrap-anywhere">{title}</h1>
        {subtitle ? <p className="mt-1 text-sm text-muted-foreground wrap-anywhere">{subtitle}</p> : null}
      </div>
      {children ? <div className="flex flex-wrap gap-2">{children}</div> : null}
    </div>
  );
}
