"use client";

import { Bar, BarChart, CartesianGrid, XAxis, YAxis } from "recharts";
import { ChartContainer, ChartTooltip, ChartTooltipContent, type ChartConfig } from "@/components/ui/chart";

/** Current against target weight per asset, in percent (the exact figures are in the table beside it). */
export function WeightsChart({ rows, labels }: { rows: { asset: string; weight: string; target: string }[]; labels: { current: string; target: string } }) {
  const config = { current: { label: labels.current, color: "var(--primary)" }, target: { label: labels.target, color: "oklch(0.7 0.02 260)" } } satisfies ChartConfig;
  const data = rows.map((r) => ({ asset: r.asset, current: Number(r.weight), target: Number(r.target) }));
  return (
    <ChartContainer config={config} className="aspect-auto h-56 w-full sm:h-64" aria-hidden="true">
      <BarChart data={data} margin={{ left: 4, right: 8, top: 8 }}>
        <CartesianGrid vertical={false} />
        <XAxis dataKey="asset" tickLine={false} axisLine={false} tickMargin={8} />
        <YAxis width={36} tickLine={false} axisLine={false} tickFormatter={(v: number) => `${v}%`} />
        <ChartTooltip
          cursor={{ fill: "var(--muted)" }}
          content={({ active, payload, label }) => <ChartTooltipContent active={active} payload={payload} label={label as string} valueFormatter={(v) => `${String(v)} %`} />}
        />
        <Bar dataKey="current" fill="var(--color-current)" radius={3} isAnimationActive={false} />
        <Bar dataKey="target" fill="var(--color-target)" radius={3} isAnimationActive={false} />
      </BarChart>
    </ChartContainer>
  );
}
