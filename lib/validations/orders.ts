import { z } from "zod";

export const ACTIVITY_VIEWS = ["all", "orders", "skips"] as const;
export const ORDER_PERIODS = ["today", "7d", "30d", "all"] as const;
/** The order status groups, and `skipped`: signals that led to no order. */
export const ACTIVITY_STATUSES = ["open", "filled", "canceled", "rejected", "unknown", "skipped"] as const;

export type OrderPeriod = (typeof ORDER_PERIODS)[number];

/** Each filter of the Orders page and its export, checked on its own so one bad value drops only itself. */
const fields = {
  account: z.uuid(),
  strategy: z.uuid(),
  symbol: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[A-Za-z0-9/:._-]+$/),
  side: z.enum(["buy", "sell"]),
  status: z.enum(ACTIVITY_STATUSES),
  period: z.enum(ORDER_PERIODS),
  view: z.enum(ACTIVITY_VIEWS),
  page: z.coerce.number().int().min(1).max(10_000),
} as const;

type FieldName = keyof typeof fields;
export type OrdersPageQuery = { [K in FieldName]?: z.infer<(typeof fields)[K]> };
export const ORDER_FILTER_NAMES = Object.keys(fields) as FieldName[];

/**
 * The Orders page's search params: the valid filters, and the names of those that were given but not
 * valid (ignored, and named in a notice), so a hand-edited URL never fails the page.
 */
export function parseOrdersQuery(raw: Record<string, string | string[] | undefined>): { filters: OrdersPageQuery; invalid: FieldName[] } {
  const filters: Record<string, unknown> = {};
  const invalid: FieldName[] = [];
  for (const name of ORDER_FILTER_NAMES) {
    const given = raw[name];
    const value = Array.isArray(given) ? given[0] : given;
    if (value === undefined || value === "") continue;
    const parsed = fields[name].safeParse(value);
    if (parsed.success) filters[name] = parsed.data;
    else invalid.push(name);
  }
  return { filters: filters as OrdersPageQuery, invalid };
}

/** The start of a period (UTC days), or undefined for all time. */
export function periodStart(period: OrderPeriod | undefined, now = new Date()): Date | undefined {
  if (!period || period === "all") return undefined;
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days = period === "today" ? 0 : period === "7d" ? 6 : 29;
  return new Date(midnight - days * 86_400_000);
}

/** The same filters as URL search params (for links that keep them: pages, the CSV download). */
export function ordersQueryParams(filters: OrdersPageQuery, omit: FieldName[] = []): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of ORDER_FILTER_NAMES) {
    const value = filters[name];
    if (value !== undefined && !omit.includes(name)) params.set(name, String(value));
  }
  return params;
}

/** The valid filters as the activity query takes them (always with the signed-in user's id). */
export function activityFilters(userId: string, filters: OrdersPageQuery, now = new Date()) {
  return {
    userId,
    view: filters.view,
    accountId: filters.account,
    strategyId: filters.strategy,
    symbol: filters.symbol,
    side: filters.side,
    status: filters.status,
    since: periodStart(filters.period, now),
  };
}
