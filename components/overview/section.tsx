import * as React from "react";
import { Card } from "@/components/ui/card";
import { cn } from "@/lib/utils";

/** One block of the overview: a titled card with an optional figure or link on the right. */
export function OverviewSection({
  title,
  subtitle,
  aside,
  children,
  className,
  ...props
}: { title: string; subtitle?: string; aside?: React.ReactNode } & React.ComponentProps<"section">) {
  return (
    <section className={cn("min-w-0", className)} {...props}>
      <Card className="h-full overflow-hidden">
        <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1 border-b px-4 py-3">
          <div className="min-w-0">
            <h2 className="font-semibold">{title}</h2>
            {subtitle ? <p className="text-xs text-muted-foreground">{subtitle}</p> : null}
          </div>
          {aside ? <div className="text-sm">{aside}</div> : null}
        </div>
        {children}
      </Card>
    </section>
  );
}

/** A small empty state inside a section: what will appear here and how to get there. */
export function SectionEmpty({ title, body, children }: { title: string; body: string; children?: React.ReactNode }) {
  return (
    <div className="px-4 py-8 text-center" data-testid="section-empty">
      <p className="text-sm font-medium">{title}</p>
      <p className="mx-auto mt-1 max-w-md text-sm text-muted-foreground">{body}</p>
      {children ? <div className="mt-4 flex justify-center">{children}</div> : null}
    </div>
  );
}
