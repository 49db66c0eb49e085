"use client";

import { Bar, BarChart, CartesianGrid, XAxis, YAxis } from "recharts";
import { ChartContainer, ChartTooltip, ChartTooltipContent, type ChartConfig } from "@/components/ui/chart";

/** Current against target weight per asset, in percent (the exact figures are in the table beside it). */
export function WeightsChart({ rows, labels }: { rows: { asset: string; weight: string; target: string }[]; labels: { current: string; target: string } }) {
  const targetColor = "oklch(0.7 0.02 260)";
  const config = { current: { label: labels.current, color: "var(--primary)" }, target: { label: labels.target, color: targetColor } } satisfies ChartConfig;
  const data = rows.map((r) => ({ asset: r.asset, current: Number(r.weight), target: Number(r.target) }));
  return (
    <div>
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
      {/* Which bar is which; the chart itself is hidden from screen readers (the table says it all). */}
      <div className="mt-1 flex flex-wrap justify-center gap-x-4 gap-y-1 text-xs text-muted-foreground" aria-hidden="true">
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-sm bg-primary" />
          {labels.current}
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span className="size-2.5 rounded-sm" style={{ background: targetColor }} />
          {labels.target}
        </span>
      </div>
    </div>
  );
}
