import * as React from "react";
import { Card } from "@/components/ui/card";

/**
 * A chart with what a screen reader or a reader of numbers needs: a one-line summary (read aloud in place
 * of the drawing) and the figures as a table behind a disclosure.
 */
export function ChartCard({
  title,
  subtitle,
  summary,
  tableLabel,
  table,
  children,
  ...props
}: { title: string; subtitle?: string; summary: string; tableLabel: string; table: React.ReactNode } & React.ComponentProps<"section">) {
  return (
    <section className="min-w-0" {...props}>
      <Card className="h-full overflow-hidden">
        <div className="border-b px-4 py-3">
          <h2 className="font-semibold">{title}</h2>
          {subtitle ? <p className="text-xs text-muted-foreground">{subtitle}</p> : null}
        </div>
        <div className="px-2 pt-4 sm:px-4">
          <p className="sr-only" data-testid="chart-summary">
            {summary}
          </p>
          {children}
        </div>
        <details className="group border-t px-4 py-2 text-sm">
          <summary className="cursor-pointer select-none py-1 text-xs font-medium text-muted-foreground hover:text-foreground">{tableLabel}</summary>
          <div data-slot="table-scroll" className="max-h-72 overflow-auto pb-2">{table}</div>
        </details>
      </Card>
    </section>
  );
}
