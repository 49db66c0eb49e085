"use client";

import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, XAxis, YAxis } from "recharts";
import { ChartContainer, ChartTooltip, ChartTooltipContent, type ChartConfig } from "@/components/ui/chart";
import { axisTicks, formatSigned } from "./format";

/** Realized P&L per UTC day: gains up in green, losses down in red (the sign is in the tooltip and table). */
export function DailyPnlChart({ days, locale, label }: { days: { day: string; pnl: string }[]; locale: string; label: string }) {
  const config = { pnl: { label, color: "var(--primary)" }, gain: { color: "oklch(0.63 0.17 155)" }, loss: { color: "oklch(0.6 0.21 20)" } } satisfies ChartConfig;
  const data = days.map((d) => ({ day: d.day, exact: d.pnl, pnl: Number(d.pnl) }));
  const when = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" });
  const axis = axisTicks(locale, data.map((d) => d.pnl));
  return (
    <ChartContainer config={config} className="aspect-auto h-56 w-full sm:h-64" aria-hidden="true">
      <BarChart data={data} margin={{ left: 4, right: 8, top: 8 }}>
        <CartesianGrid vertical={false} />
        <XAxis dataKey="day" tickLine={false} axisLine={false} tickMargin={8} minTickGap={24} tickFormatter={(v: string) => when.format(new Date(`${v}T00:00:00Z`))} />
        <YAxis width={axis.width} tickLine={false} axisLine={false} tickFormatter={axis.format} />
        <ReferenceLine y={0} stroke="var(--border)" />
        <ChartTooltip
          cursor={{ fill: "var(--muted)" }}
          content={({ active, payload, label: day }) => (
            <ChartTooltipContent
              active={active}
              payload={payload}
              label={day as string}
              labelFormatter={(v) => when.format(new Date(`${String(v)}T00:00:00Z`))}
              valueFormatter={(_, item) => `${formatSigned(locale, String(item.payload?.exact ?? "0"))} USDT`}
            />
          )}
        />
        <Bar dataKey="pnl" radius={3} isAnimationActive={false}>
          {data.map((d) => (
            <Cell key={d.day} fill={d.pnl >= 0 ? "var(--color-gain)" : "var(--color-loss)"} />
          ))}
        </Bar>
      </BarChart>
    </ChartContainer>
  );
}
