import Decimal from "decimal.js";
import { z } from "zod";

const DECIMAL = /^\d{1,12}(\.\d{1,10})?$/;

const text = (v: string | number) => String(v).trim().replace(",", ".");

/**
 * A decimal setting from a form field or JSON, kept as a normalized decimal string. `above` makes the
 * minimum exclusive (a size must be more than 0, not 0).
 */
export function decimalSetting(label: string, limits: { min: string; max: string; above?: boolean }) {
  const range = limits.above ? `more than ${limits.min} and at most ${limits.max}` : `from ${limits.min} to ${limits.max}`;
  return z
    .union([z.string(), z.number()], `${label} is required.`)
    .transform(text)
    .superRefine((v, ctx) => {
      if (!DECIMAL.test(v)) return void ctx.addIssue({ code: "custom", message: `${label} must be a number like 12.5.` });
      const d = new Decimal(v);
      if ((limits.above ? d.lte(limits.min) : d.lt(limits.min)) || d.gt(limits.max)) {
        ctx.addIssue({ code: "custom", message: `${label} must be ${range}.` });
      }
    })
    .transform((v) => new Decimal(v).toFixed());
}

/** A whole-number setting from a form field or JSON. */
export function integerSetting(label: string, min: number, max: number) {
  return z
    .union([z.string(), z.number()], `${label} is required.`)
    .transform((v) => (typeof v === "number" ? v : /^\d{1,6}$/.test(v.trim()) ? Number(v.trim()) : Number.NaN))
    .refine((v) => Number.isInteger(v) && v >= min && v <= max, `${label} must be a whole number from ${min} to ${max}.`);
}
