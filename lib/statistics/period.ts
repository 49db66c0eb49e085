import { z } from "zod";

export const STAT_PERIODS = ["7d", "30d", "90d", "all"] as const;
export type StatPeriod = (typeof STAT_PERIODS)[number];

const fields = { period: z.enum(STAT_PERIODS), account: z.uuid() } as const;
type FieldName = keyof typeof fields;

/**
 * The Statistics page's search params: the valid ones, and the names of those given but not valid
 * (ignored, named in a notice), so a hand-edited URL never fails the page.
 */
export function parseStatisticsQuery(raw: Record<string, string | string[] | undefined>): {
  period: StatPeriod;
  account?: string;
  invalid: FieldName[];
} {
  const invalid: FieldName[] = [];
  const read = <K extends FieldName>(name: K): z.infer<(typeof fields)[K]> | undefined => {
    const given = raw[name];
    const value = Array.isArray(given) ? given[0] : given;
    if (value === undefined || value === "") return undefined;
    const parsed = fields[name].safeParse(value);
    if (parsed.success) return parsed.data as z.infer<(typeof fields)[K]>;
    invalid.push(name);
    return undefined;
  };
  return { period: read("period") ?? "30d", account: read("account"), invalid };
}

const DAY_MS = 86_400_000;

/** A period's first UTC day (the current day counts as one), or undefined for all time. */
export function statPeriodStart(period: StatPeriod, now = new Date()): Date | undefined {
  if (period === "all") return undefined;
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight - (Number.parseInt(period, 10) - 1) * DAY_MS);
}

/** The Orders page's nearest period for a drill-down link (it has no 90 days). */
export const ordersPeriodFor = (period: StatPeriod) => (period === "7d" || period === "30d" ? period : "all");
