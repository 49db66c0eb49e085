"use client";

import { useCallback, useEffect, useState, useTransition } from "react";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { Bell, CheckCheck, Loader2, Settings } from "lucide-react";
import { loadBellAction, markReadAction, type BellItem } from "@/components/notifications/actions";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { cn } from "@/lib/utils";

const POLL_MS = 30_000;

/** The top bar's bell: unread count, the latest in-app events, mark all read. */
export function NotificationBell() {
  const t = useTranslations("notifications.bell");
  const format = useFormatter();
  const [data, setData] = useState<{ unread: number; items: BellItem[] } | null>(null);
  const [failed, setFailed] = useState(false);
  const [marking, startMarking] = useTransition();

  const load = useCallback(
    () =>
      loadBellAction().then(
        (next) => {
          setData(next);
          setFailed(false);
        },
        () => setFailed(true),
      ),
    [],
  );

  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  const unread = data?.unread ?? 0;
  return (
    <DropdownMenu onOpenChange={(open) => (open ? void load() : undefined)}>
      <DropdownMenuTrigger
        data-testid="notification-bell"
        aria-label={unread > 0 ? t("unread", { count: unread }) : t("label")}
        className="relative flex size-9 items-center justify-center rounded-full transition-colors hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
      >
        <Bell className="size-5" />
        {unread > 0 ? (
          <span
            className="absolute -right-0.5 -top-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-destructive px-1 text-[10px] font-semibold leading-none text-white"
            data-testid="notification-unread"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-[min(24rem,calc(100vw-1.5rem))] p-0" data-testid="notification-list">
        <DropdownMenuLabel className="flex items-center justify-between gap-2 px-3 py-2">
          <span className="font-semibold">{t("label")}</span>
          {unread > 0 ? (
            <button
              type="button"
              className="inline-flex items-center gap-1 text-xs font-medium text-primary hover:underline disabled:opacity-50"
              disabled={marking}
              data-testid="notification-mark-all"
              onClick={() =>
                startMarking(async () => {
                  await markReadAction({});
                  await load();
                })
              }
            >
              {marking ? <Loader2 className="size-3 animate-spin" /> : <CheckCheck className="size-3.5" />}
              {t("markAll")}
            </button>
          ) : null}
        </DropdownMenuLabel>
        <DropdownMenuSeparator className="mx-0 my-0" />
        <div className="max-h-[min(24rem,60dvh)] overflow-y-auto p-1">
          {failed ? (
            <p className="px-3 py-6 text-center text-sm text-destructive">{t("error")}</p>
          ) : !data ? (
            <p className="flex items-center justify-center gap-2 px-3 py-6 text-sm text-muted-foreground">
              <Loader2 className="size-4 animate-spin" />
              {t("loading")}
            </p>
          ) : data.items.length === 0 ? (
            <p className="px-3 py-6 text-center text-sm text-muted-foreground" data-testid="notification-empty">
              {t("empty")}
            </p>
          ) : (
            data.items.map((item) => (
              <div
                key={item.id}
                className={cn("flex gap-2 rounded-md px-2 py-2 text-sm", !item.read && "bg-accent/60")}
                data-testid="notification-item"
                data-type={item.type}
              >
                <span className={cn("mt-1.5 size-2 shrink-0 rounded-full", item.read ? "bg-transparent" : "bg-primary")} aria-hidden />
                <div className="min-w-0 flex-1">
                  <p className="wrap-anywhere">{item.text}</p>
                  <p className="mt-0.5 text-xs text-muted-foreground">{format.relativeTime(new Date(item.at))}</p>
                </div>
              </div>
            ))
          )}
        </div>
        <DropdownMenuSeparator className="mx-0 my-0" />
        <DropdownMenuItem asChild className="m-1">
          <Link href="/dashboard/settings/notifications" data-testid="notification-settings-link">
            <Settings />
            {t("settings")}
          </Link>
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
