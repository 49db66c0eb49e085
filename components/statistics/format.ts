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
