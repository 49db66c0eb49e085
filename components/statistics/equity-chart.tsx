"use client";

import { Area, AreaChart, CartesianGrid, XAxis, YAxis } from "recharts";
import { ChartContainer, ChartTooltip, ChartTooltipContent, type ChartConfig } from "@/components/ui/chart";
import { formatDecimal } from "./format";

interface Point {
  at: string;
  equity: string;
}

/** Total equity over time (USDT). The numbers are only drawn from floats; every figure shown is exact. */
export function EquityChart({ points, locale, label, hourly }: { points: Point[]; locale: string; label: string; hourly: boolean }) {
  const config = { equity: { label, color: "var(--primary)" } } satisfies ChartConfig;
  const data = points.map((p) => ({ at: p.at, exact: p.equity, equity: Number(p.equity) }));
  const when = new Intl.DateTimeFormat(locale, hourly ? { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "UTC" } : { day: "numeric", month: "short", timeZone: "UTC" });
  const compact = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });
  return (
    <ChartContainer config={config} className="aspect-auto h-56 w-full sm:h-64" aria-hidden="true">
      <AreaChart data={data} margin={{ left: 4, right: 8, top: 8 }}>
        <defs>
          <linearGradient id="fill-equity" x1="0" y1="0" x2="0" y2="1">
            <stop offset="5%" stopColor="var(--color-equity)" stopOpacity={0.3} />
            <stop offset="95%" stopColor="var(--color-equity)" stopOpacity={0.02} />
          </linearGradient>
        </defs>
        <CartesianGrid vertical={false} />
        <XAxis dataKey="at" tickLine={false} axisLine={false} tickMargin={8} minTickGap={32} tickFormatter={(v: string) => when.format(new Date(v))} />
        <YAxis width={48} tickLine={false} axisLine={false} domain={["auto", "auto"]} tickFormatter={(v: number) => compact.format(v)} />
        <ChartTooltip
          content={({ active, payload, label: at }) => (
            <ChartTooltipContent
              active={active}
              payload={payload}
              label={at as string}
              labelFormatter={(v) => when.format(new Date(String(v)))}
              valueFormatter={(_, item) => `${formatDecimal(locale, String(item.payload?.exact ?? "0"))} USDT`}
            />
          )}
        />
        <Area dataKey="equity" type="monotone" stroke="var(--color-equity)" strokeWidth={2} fill="url(#fill-equity)" isAnimationActive={false} />
      </AreaChart>
    </ChartContainer>
  );
}
