"use client";

import { useEffect, useRef, useState, useSyncExternalStore, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { cn } from "@/lib/utils";

type LiveState = "live" | "paused" | "reconnecting";

const INTERVAL_MS = 4_000;
const MAX_BACKOFF_MS = 60_000;

function onVisibilityChange(notify: () => void) {
  document.addEventListener("visibilitychange", notify);
  return () => document.removeEventListener("visibilitychange", notify);
}

/**
 * Keeps a server-rendered page current: polls the trader's change version while the tab is visible
 * (paused when hidden, backing off after errors) and refreshes the server components when it moves.
 */
export function LiveRefresh({ version: rendered, intervalMs = INTERVAL_MS }: { version: string | null; intervalMs?: number }) {
  const t = useTranslations("live");
  const router = useRouter();
  const [polled, setState] = useState<LiveState>("live");
  // A hidden tab is paused whatever the last poll said (the server renders a visible one).
  const hidden = useSyncExternalStore(onVisibilityChange, () => document.hidden, () => false);
  const state: LiveState = hidden ? "paused" : polled;
  const [, startTransition] = useTransition();
  // What the page shows: the version it was rendered at, then the newest one seen by a poll.
  const shown = useRef(rendered);
  useEffect(() => {
    shown.current = rendered;
  }, [rendered]);

  useEffect(() => {
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight: AbortController | null = null;
    let stopped = false;

    const schedule = (ms: number) => {
      clearTimeout(timer);
      if (!stopped && !document.hidden) timer = setTimeout(poll, ms);
    };

    async function poll() {
      if (stopped || document.hidden || inFlight) return;
      inFlight = new AbortController();
      try {
        const query = shown.current ? `?since=${encodeURIComponent(shown.current)}` : "";
        const response = await fetch(`/api/me/changes${query}`, { cache: "no-store", signal: inFlight.signal, headers: { accept: "application/json" } });
        if (response.status === 401) {
          // Signed out or the session ended: the page's own check decides where to go.
          stopped = true;
          setState("paused");
          startTransition(() => router.refresh());
          return;
        }
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body = (await response.json()) as { version: string };
        if (shown.current !== null && body.version !== shown.current) startTransition(() => router.refresh());
        shown.current = body.version;
        failures = 0;
        // The tab may have been hidden while this check was on its way.
        setState(document.hidden ? "paused" : "live");
        schedule(intervalMs);
      } catch (error) {
        if (error instanceof DOMException && error.name === "AbortError") return;
        failures += 1;
        setState(document.hidden ? "paused" : "reconnecting");
        const backoff = Math.min(intervalMs * 2 ** failures, MAX_BACKOFF_MS);
        schedule(backoff / 2 + Math.random() * (backoff / 2));
      } finally {
        inFlight = null;
      }
    }

    const onVisibility = () => {
      if (document.hidden) {
        clearTimeout(timer);
        if (!stopped) setState("paused");
      } else if (!stopped) {
        void poll();
      }
    };

    document.addEventListener("visibilitychange", onVisibility);
    if (!document.hidden) void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
      inFlight?.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [intervalMs, router]);

  return (
    <span
      className="inline-flex h-9 items-center gap-1.5 rounded-md px-2 text-xs font-medium text-muted-foreground"
      title={t(`${state}Hint`)}
      role="status"
      data-testid="live-indicator"
      data-state={state}
    >
      <span
        aria-hidden
        className={cn(
          "size-2 rounded-full",
          state === "live" && "animate-pulse bg-emerald-500",
          state === "paused" && "bg-muted-foreground/50",
          state === "reconnecting" && "bg-amber-500",
        )}
      />
      {t(state)}
    </span>
  );
}
