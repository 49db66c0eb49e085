"use client";

import dynamic from "next/dynamic";
import { ChartPlaceholder } from "@/components/statistics/lazy-charts";

/** recharts loads after the page is usable; the table beside the chart has the exact figures. */
export const LazyWeightsChart = dynamic(() => import("./weights-chart").then((m) => m.WeightsChart), { ssr: false, loading: ChartPlaceholder });
