import Decimal from "decimal.js";

/**
 * A decimal string in the locale's grouping and decimal sign, exactly (Intl formats a numeric string
 * without going through a float), rounded to `digits`.
 */
export function formatDecimal(locale: string, value: string, digits = 2): string {
  const rounded = new Decimal(value).toDecimalPlaces(digits).toFixed(digits);
  return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(rounded as `${number}`);
}

/** A signed amount: "+1,234.50", "−12.00" (a real minus sign), "0.00". */
export function formatSigned(locale: string, value: string, digits = 2): string {
  const d = new Decimal(new Decimal(value).toFixed(digits));
  if (d.isZero()) return formatDecimal(locale, "0", digits);
  return `${d.gt(0) ? "+" : "−"}${formatDecimal(locale, d.abs().toFixed(), digits)}`;
}

/** A share (0.5) as a percentage ("50.0 %" per locale). */
export function formatShare(locale: string, value: string): string {
  return new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
    new Decimal(value).toDecimalPlaces(4).toFixed() as `${number}`,
  );
}

export const signOf = (value: string) => new Decimal(value).toDecimalPlaces(2).cmp(0);

/**
 * Axis labels with as many decimals as the ticks' spacing needs (−0.15 stays −0.15, not −0.2), in
 * compact notation only when the spacing is in thousands; and the axis width those labels take.
 */
export function axisTicks(locale: string, values: number[], { zero = true }: { zero?: boolean } = {}): { format: (v: number) => string; width: number } {
  const finite = values.filter(Number.isFinite);
  const min = Math.min(...(zero ? [0] : []), ...finite);
  const max = Math.max(...(zero ? [0] : []), ...finite);
  const span = max - min || Math.abs(max) / 50 || 1;
  // Recharts draws about five ticks on "nice" steps: a step is at least a quarter of the span / 2.5.
  const step = span / 10;
  const digits = step >= 1000 ? 0 : Math.min(8, Math.max(0, Math.ceil(-Math.log10(step)) + 1));
  const formatter =
    step >= 1000
      ? new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 2 })
      : new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
  const format = (v: number) => formatter.format(v);
  const widest = Math.max(...[min, max, ...finite].map((v) => format(v).length));
  return { format, width: Math.min(96, Math.max(40, widest * 7 + 8)) };
}
