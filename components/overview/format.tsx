import Decimal from "decimal.js";
import { cn } from "@/lib/utils";

/** A price to a sensible precision: cents above 1 000, 4 places above 1, 6 significant digits below. */
export function formatPrice(value: string): string {
  const d = new Decimal(value);
  const shown = d.abs().gte(1000) ? d.toDecimalPlaces(2) : d.abs().gte(1) ? d.toDecimalPlaces(4) : d.toSignificantDigits(6);
  return shown.toFixed();
}

/** A percentage change, signed and coloured like a P&L; "—" when unknown. */
export function PnlPercent({ value, className }: { value: string | null; className?: string }) {
  if (value === null) return <span className="text-muted-foreground">—</span>;
  const d = new Decimal(new Decimal(value).toFixed(2));
  const shown = `${d.isZero() ? "0.00" : (d.gt(0) ? "+" : "") + d.toFixed(2)}%`;
  return <span className={cn("tabular-nums", d.gt(0) ? "text-emerald-600" : d.lt(0) ? "text-rose-600" : "", className)}>{shown}</span>;
}
