"use client";

import dynamic from "next/dynamic";

// The top bar's two menus (Radix dropdown menu, popper, floating-ui) are ~20 kB gzip of every dashboard
// page: they load right after the page is usable, with placeholders of their size until then.
const pulse = "animate-pulse bg-muted/60";

export const LazyNotificationBell = dynamic(() => import("@/components/notifications/notification-bell").then((m) => m.NotificationBell), {
  ssr: false,
  loading: () => <span className={`size-9 rounded-full ${pulse}`} aria-hidden="true" />,
});

export const LazyUserMenu = dynamic(() => import("./user-menu").then((m) => m.UserMenu), {
  ssr: false,
  loading: () => <span className={`h-10 w-[68px] rounded-full sm:w-32 ${pulse}`} aria-hidden="true" />,
});
