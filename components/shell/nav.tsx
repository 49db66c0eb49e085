"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import {
  Activity,
  ArrowLeft,
  BarChart3,
  Bot,
  LayoutDashboard,
  ListOrdered,
  Settings,
  Shield,
  Radio,
  Scale,
  ScrollText,
  SlidersHorizontal,
  Users,
  Wallet,
  Workflow,
  type LucideIcon,
} from "lucide-react";
import { cn } from "@/lib/utils";

type NavKey = "overview" | "strategies" | "accounts" | "orders" | "statistics" | "rebalancer" | "settings" | "admin" | "users" | "signals" | "ai" | "audit" | "system" | "platform" | "backToDashboard";
type NavItem = { key: NavKey; href: string; icon: LucideIcon; exact?: boolean };

export type ShellSection = "dashboard" | "admin";

const SECTIONS: Record<ShellSection, { heading: "trading" | "administration"; items: NavItem[] }> = {
  dashboard: {
    heading: "trading",
    items: [
      { key: "overview", href: "/dashboard", icon: LayoutDashboard, exact: true },
      { key: "strategies", href: "/dashboard/strategies", icon: Workflow },
      { key: "accounts", href: "/dashboard/accounts", icon: Wallet },
      { key: "signals", href: "/dashboard/signals", icon: Radio },
      { key: "orders", href: "/dashboard/orders", icon: ListOrdered },
      { key: "statistics", href: "/dashboard/statistics", icon: BarChart3 },
      { key: "rebalancer", href: "/dashboard/rebalancer", icon: Scale },
      { key: "settings", href: "/dashboard/settings", icon: Settings },
    ],
  },
  admin: {
    heading: "administration",
    items: [
      { key: "overview", href: "/admin", icon: Shield, exact: true },
      { key: "users", href: "/admin/users", icon: Users },
      { key: "signals", href: "/admin/signals", icon: Radio },
      { key: "ai", href: "/admin/ai", icon: Bot },
      { key: "audit", href: "/admin/audit", icon: ScrollText },
      { key: "system", href: "/admin/system", icon: Activity },
      { key: "platform", href: "/admin/settings", icon: SlidersHorizontal },
    ],
  },
};

export function SideNav({ section, isAdmin, onNavigate }: { section: ShellSection; isAdmin: boolean; onNavigate?: () => void }) {
  const pathname = usePathname();
  const t = useTranslations("nav");
  const { heading, items } = SECTIONS[section];
  const extra: NavItem | null =
    section === "admin"
      ? { key: "backToDashboard", href: "/dashboard", icon: ArrowLeft }
      : isAdmin
        ? { key: "admin", href: "/admin", icon: Shield }
        : null;

  const link = (item: NavItem) => {
    const active = item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
    const Icon = item.icon;
    return (
      <Link
        key={item.href + item.key}
        href={item.href}
        onClick={onNavigate}
        aria-current={active ? "page" : undefined}
        className={cn(
          "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
          active ? "bg-sidebar-accent text-white" : "text-sidebar-foreground/80 hover:bg-sidebar-accent/60 hover:text-white",
        )}
      >
        <Icon className={cn("size-4", active ? "text-indigo-300" : "text-sidebar-muted")} />
        {t(item.key)}
      </Link>
    );
  };

  return (
    <nav aria-label={t(heading)} className="flex flex-1 flex-col gap-1 px-3">
      <p className="px-3 pb-2 pt-1 text-[11px] font-semibold uppercase tracking-wider text-sidebar-muted">{t(heading)}</p>
      {items.map(link)}
      {extra ? <div className="mt-auto border-t border-white/10 pt-3">{link(extra)}</div> : null}
    </nav>
  );
}
