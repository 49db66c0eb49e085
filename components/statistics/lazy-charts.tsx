"use client";

import dynamic from "next/dynamic";

// recharts is most of a chart page's JavaScript: drawn in the browser only, after the page is usable. The
// server sends a placeholder of the chart's height; the summary and the table beside each chart say it all.
export function ChartPlaceholder() {
  return <div className="h-56 w-full animate-pulse rounded-lg bg-muted/50 sm:h-64" data-testid="chart-placeholder" aria-hidden="true" />;
}

export const LazyEquityChart = dynamic(() => import("./equity-chart").then((m) => m.EquityChart), { ssr: false, loading: ChartPlaceholder });

export const LazyDailyPnlChart = dynamic(() => import("./daily-pnl-chart").then((m) => m.DailyPnlChart), { ssr: false, loading: ChartPlaceholder });
