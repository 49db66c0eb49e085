import { ArrowDownRight, ArrowUpRight, Minus } from "lucide-react";
import { cn } from "@/lib/utils";
import { formatSigned, signOf } from "./format";

/** A P&L readable without colour: its sign and an arrow say up or down, the colour only repeats it. */
export function SignedAmount({ value, locale, currency, className, testId }: { value: string | null; locale: string; currency?: string; className?: string; testId?: string }) {
  if (value === null) return <span className="text-muted-foreground" data-testid={testId}>—</span>;
  const sign = signOf(value);
  const Icon = sign > 0 ? ArrowUpRight : sign < 0 ? ArrowDownRight : Minus;
  return (
    <span
      className={cn("inline-flex items-center gap-0.5 whitespace-nowrap tabular-nums", sign > 0 ? "text-emerald-600" : sign < 0 ? "text-rose-600" : "text-muted-foreground", className)}
      data-testid={testId}
      data-value={value}
    >
      <Icon className="size-[1em] shrink-0" aria-hidden="true" />
      <span>{formatSigned(locale, value)}</span>
      {currency ? <span className="ml-1 text-[0.8em] font-normal text-muted-foreground">{currency}</span> : null}
    </span>
  );
}
