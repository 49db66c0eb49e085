"use client";

import { Area, AreaChart, CartesianGrid, ReferenceLine, XAxis, YAxis } from "recharts";
import { ChartContainer, ChartTooltip, ChartTooltipContent, type ChartConfig } from "@/components/ui/chart";
import { axisTicks, formatDecimal } from "./format";

interface Point {
  at: string;
  equity: string;
}

/**
 * Total equity over time (USDT). The numbers are only drawn from floats; every figure shown is exact. A
 * single reading is drawn as a marked level across the chart, labelled with its value.
 */
export function EquityChart({ points, locale, label, hourly }: { points: Point[]; locale: string; label: string; hourly: boolean }) {
  const config = { equity: { label, color: "var(--primary)" } } satisfies ChartConfig;
  const data = points.map((p) => ({ at: p.at, exact: p.equity, equity: Number(p.equity) }));
  const when = new Intl.DateTimeFormat(locale, hourly ? { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "UTC" } : { day: "numeric", month: "short", timeZone: "UTC" });
  const single = data.length === 1 ? data[0]! : null;
  // One reading: a level with some room above and below it, so it sits mid-chart rather than on an edge.
  const pad = single ? Math.max(Math.abs(single.equity) * 0.01, 1) : 0;
  const domain: [number, number] | ["auto", "auto"] = single ? [single.equity - pad, single.equity + pad] : ["auto", "auto"];
  const axis = axisTicks(locale, single ? [single.equity - pad, single.equity + pad] : data.map((d) => d.equity), { zero: false });
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
        <YAxis width={axis.width} tickLine={false} axisLine={false} domain={domain} tickFormatter={axis.format} />
        {single ? (
          <ReferenceLine
            y={single.equity}
            stroke="var(--color-equity)"
            strokeWidth={2}
            strokeDasharray="4 4"
            label={{ value: `${formatDecimal(locale, single.exact)} USDT`, position: "insideTopLeft", fill: "var(--foreground)", fontSize: 12 }}
          />
        ) : null}
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
        <Area dataKey="equity" type="monotone" stroke="var(--color-equity)" strokeWidth={2} fill="url(#fill-equity)" dot={single ? { r: 4, fill: "var(--color-equity)" } : false} isAnimationActive={false} />
      </AreaChart>
    </ChartContainer>
  );
}
