"use client";

import dynamic from "next/dynamic";

/** The price chart is drawn in the browser only (canvas); the server sends a placeholder of the same height. */
export const LazyPriceChart = dynamic(() => import("./price-chart").then((m) => m.PriceChart), {
  ssr: false,
  loading: () => <div className="h-72 w-full animate-pulse rounded-lg bg-muted/50 sm:h-88" data-testid="price-chart-placeholder" />,
});
