"use client";

import { useEffect, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { cn } from "@/lib/utils";

const INTERVAL_MS = 10_000;

/** Re-renders the system page every few seconds while the tab is visible; paused when it is hidden. */
export function SystemAutoRefresh({ renderedAt, intervalMs = INTERVAL_MS }: { renderedAt: string; intervalMs?: number }) {
  const t = useTranslations("system");
  const format = useFormatter();
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [paused, setPaused] = useState(false);

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      clearInterval(timer);
      timer = setInterval(() => startTransition(() => router.refresh()), intervalMs);
    };
    const onVisibility = () => {
      setPaused(document.hidden);
      if (document.hidden) clearInterval(timer);
      else {
        startTransition(() => router.refresh());
        start();
      }
    };
    if (!document.hidden) start();
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [router, intervalMs]);

  const time = format.dateTime(new Date(renderedAt), { timeStyle: "medium" });
  return (
    <p className="flex items-center gap-2 text-xs text-muted-foreground" role="status" data-testid="system-refresh" data-rendered-at={renderedAt}>
      <span className={cn("inline-block size-2 rounded-full", paused ? "bg-muted-foreground" : pending ? "animate-pulse bg-amber-500" : "bg-emerald-500")} aria-hidden />
      {paused ? t("refresh.paused") : t("refresh.live", { time, seconds: Math.round(intervalMs / 1000) })}
    </p>
  );
}
