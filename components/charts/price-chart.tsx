"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslations } from "next-intl";
import { CandlestickChart, RefreshCw } from "lucide-react";
import { CandlestickSeries, createChart, createSeriesMarkers, type IChartApi, type SeriesMarker, type UTCTimestamp } from "lightweight-charts";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { CHART_TIMEFRAMES, pricePrecision, snapToCandles, TIMEFRAME_SECONDS, type ChartPayload, type ChartTimeframe } from "./chart-types";

type Loaded = { status: "error"; message: string } | { status: "ready"; data: ChartPayload };
type State = { status: "idle" | "loading" } | Loaded;

const UP = "#059669";
const DOWN = "#dc2626";
const MARKER_STYLE = {
  entry: { color: UP, shape: "arrowUp", position: "belowBar" },
  short: { color: DOWN, shape: "arrowDown", position: "aboveBar" },
  buy: { color: UP, shape: "arrowUp", position: "belowBar" },
  exit: { color: "#4f46e5", shape: "arrowDown", position: "aboveBar" },
  sell: { color: "#4f46e5", shape: "arrowDown", position: "aboveBar" },
  tp: { color: UP, shape: "circle", position: "aboveBar" },
  sl: { color: DOWN, shape: "square", position: "belowBar" },
} as const;

/**
 * The chart parses colours itself and knows only hex/rgb(a): the theme's oklch tokens come back from
 * getComputedStyle as lab()/oklch() and would make it throw, so they are painted once and read back as rgba.
 */
function rgbaOf(color: string, fallback: string): string {
  const ctx = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  if (!ctx) return fallback;
  ctx.fillStyle = fallback;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
  return `rgba(${r}, ${g}, ${b}, ${Math.round(((a ?? 255) / 255) * 1000) / 1000})`;
}

/** Candles of one strategy's (or account's) symbol with its executions marked; loads when scrolled into view. */
export function PriceChart({ strategyId, accountId, symbol, initialTimeframe = "1h" }: { strategyId?: string; accountId?: string; symbol?: string; initialTimeframe?: ChartTimeframe }) {
  const t = useTranslations("charts");
  const root = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  const [timeframe, setTimeframe] = useState<ChartTimeframe>(initialTimeframe);
  const [attempt, setAttempt] = useState(0);
  // The answer is kept with the request it answers: a newer request shows as loading until its own answer comes.
  const [loaded, setLoaded] = useState<{ request: string; result: Loaded } | null>(null);
  const query = new URLSearchParams({ timeframe, ...(strategyId ? { strategy: strategyId } : {}), ...(accountId ? { account: accountId } : {}), ...(symbol ? { symbol } : {}) }).toString();
  const request = `${query}#${attempt}`;
  const state: State = !visible ? { status: "idle" } : loaded?.request === request ? loaded.result : { status: "loading" };

  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setVisible(true);
        observer.disconnect();
      }
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!visible) return;
    const controller = new AbortController();
    fetch(`/api/charts/candles?${query}`, { signal: controller.signal, cache: "no-store" })
      .then(async (response) => {
        const body = (await response.json().catch(() => null)) as (ChartPayload & { error?: { message: string } }) | null;
        if (!response.ok || !body || body.error) throw new Error(body?.error?.message ?? t("unavailable"));
        setLoaded({ request, result: { status: "ready", data: body } });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setLoaded({ request, result: { status: "error", message: error instanceof Error ? error.message : t("unavailable") } });
      });
    return () => controller.abort();
  }, [visible, query, request, t]);

  const data = state.status === "ready" ? state.data : null;
  const candles = useMemo(() => (data && !data.unavailable ? data.candles : []), [data]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !data || candles.length === 0) return;
    const muted = rgbaOf(getComputedStyle(el).color, "#64748b");
    const border = rgbaOf(getComputedStyle(el.parentElement ?? el).borderTopColor, "#e2e8f0");
    const chart: IChartApi = createChart(el, {
      autoSize: true,
      layout: { background: { color: "transparent" }, textColor: muted, fontSize: 11, fontFamily: getComputedStyle(document.body).fontFamily, attributionLogo: true },
      grid: { vertLines: { color: border }, horzLines: { color: border } },
      rightPriceScale: { borderVisible: false },
      timeScale: { borderVisible: false, maxBarSpacing: 24, rightOffset: 2, timeVisible: TIMEFRAME_SECONDS[data.timeframe] < 86_400, secondsVisible: false },
      crosshair: { mode: 0 },
      handleScroll: { vertTouchDrag: false },
    });
    const precision = pricePrecision(candles);
    const series = chart.addSeries(CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      borderVisible: false,
      wickUpColor: UP,
      wickDownColor: DOWN,
      priceFormat: { type: "price", precision, minMove: 1 / 10 ** precision },
    });
    series.setData(candles.map((c) => ({ time: (c.time / 1000) as UTCTimestamp, open: Number(c.open), high: Number(c.high), low: Number(c.low), close: Number(c.close) })));
    const candleTimes = candles.map((c) => c.time);
    const snapped = snapToCandles(data.markers.map((m) => m.time), candleTimes);
    const markers: SeriesMarker<UTCTimestamp>[] = data.markers.flatMap((m, i) => {
      const at = snapped[i];
      if (at === null || at === undefined) return [];
      return [{ time: (at / 1000) as UTCTimestamp, ...MARKER_STYLE[m.kind], text: t(`marker.${m.kind}`) }];
    });
    createSeriesMarkers(series, markers);
    for (const level of data.levels) {
      series.createPriceLine({ price: Number(level.price), color: level.kind === "tp" ? UP : DOWN, lineWidth: 1, lineStyle: 2, axisLabelVisible: true, title: t(`marker.${level.kind}`) });
    }
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [data, candles, t]);

  const last = candles.at(-1);
  const drawnMarkers = data ? snapToCandles(data.markers.map((m) => m.time), candles.map((c) => c.time)).filter((x) => x !== null).length : 0;
  return (
    <div
      ref={root}
      className="grid min-w-0 gap-2"
      data-testid="price-chart"
      data-state={state.status === "ready" ? (data?.unavailable ? "unavailable" : candles.length ? "ready" : "empty") : state.status}
      data-timeframe={timeframe}
      data-candles={candles.length}
      data-markers={drawnMarkers}
      data-first={candles[0]?.time ?? ""}
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h4 className="text-sm font-semibold">{t("title", { symbol: data?.symbol ?? symbol ?? "" })}</h4>
        <div role="group" aria-label={t("interval")} className="inline-flex rounded-md border p-0.5" data-testid="chart-intervals">
          {CHART_TIMEFRAMES.map((tf) => (
            <button
              key={tf}
              type="button"
              aria-pressed={tf === timeframe}
              onClick={() => setTimeframe(tf)}
              className={cn("rounded px-2.5 py-1 text-xs font-medium tabular-nums transition-colors", tf === timeframe ? "bg-primary text-primary-foreground" : "text-muted-foreground hover:bg-accent")}
            >
              {tf}
            </button>
          ))}
        </div>
      </div>
      <div className="relative h-64 w-full overflow-hidden rounded-lg border bg-card text-muted-foreground sm:h-80">
        {candles.length > 0 ? <div ref={canvas} className="absolute inset-0" aria-hidden="true" /> : null}
        {state.status === "idle" || state.status === "loading" ? (
          <div className="absolute inset-0 grid place-items-center" data-testid="chart-loading">
            <div className="flex items-center gap-2 text-sm">
              <CandlestickChart className="size-4 animate-pulse" />
              {t("loading")}
            </div>
          </div>
        ) : state.status === "error" || data?.unavailable ? (
          <div className="absolute inset-0 grid place-items-center p-4 text-center" data-testid="chart-error">
            <div className="grid max-w-sm justify-items-center gap-2 text-sm">
              <p className="font-medium text-foreground">{t("unavailable")}</p>
              <p className="text-xs">{state.status === "error" ? state.message : data?.unavailable?.message}</p>
              <Button size="sm" variant="outline" onClick={() => setAttempt((n) => n + 1)}>
                <RefreshCw />
                {t("retry")}
              </Button>
            </div>
          </div>
        ) : candles.length === 0 ? (
          <div className="absolute inset-0 grid place-items-center p-4 text-center text-sm" data-testid="chart-empty">
            {t("empty")}
          </div>
        ) : null}
      </div>
      {last ? (
        <p className="text-xs text-muted-foreground" data-testid="chart-summary">
          {t("summary", { count: candles.length, close: last.close, markers: drawnMarkers })}
        </p>
      ) : null}
    </div>
  );
}
