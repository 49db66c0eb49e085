import Decimal from "decimal.js";
import { cn } from "@/lib/utils";

/** A profit or loss rounded to cents, signed and coloured; "—" when unknown. */
export function Pnl({ value, className }: { value: string | null; className?: string }) {
  if (value === null) return <span className="text-muted-foreground">—</span>;
  const d = new Decimal(new Decimal(value).toFixed(2));
  const shown = d.isZero() ? "0.00" : (d.gt(0) ? "+" : "") + d.toFixed(2);
  return <span className={cn("tabular-nums", d.gt(0) ? "text-emerald-600" : d.lt(0) ? "text-rose-600" : "", className)}>{shown}</span>;
}
