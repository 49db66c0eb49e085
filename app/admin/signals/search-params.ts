import { z } from "zod";
import { DELIVERY_OUTCOMES, type DeliveryOutcome } from "@/db/queries/signals";

export const DELIVERY_RANGES = ["1h", "24h", "7d", "30d"] as const;
export type DeliveryRange = (typeof DELIVERY_RANGES)[number];
const RANGE_MS: Record<DeliveryRange, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 };

const cursor = z.string().regex(/^[1-9]\d{0,17}$/);
const fields = {
  signal: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/),
  outcome: z.enum(DELIVERY_OUTCOMES),
  range: z.enum(DELIVERY_RANGES),
  before: cursor,
  after: cursor,
};
type Field = keyof typeof fields;

export interface DeliveryFilters {
  signal?: string;
  outcome?: DeliveryOutcome;
  range?: DeliveryRange;
  before?: string;
  after?: string;
}

/**
 * The delivery log's filters and cursor from the address. Each is checked on its own: one that does not
 * parse (or is repeated) is left out and named in `ignored`, so a bad link still shows the log.
 */
export function parseDeliveryParams(params: Record<string, string | string[] | undefined>): { filters: DeliveryFilters; ignored: Field[] } {
  const filters: Record<string, string> = {};
  const ignored: Field[] = [];
  for (const key of Object.keys(fields) as Field[]) {
    const value = params[key];
    if (value === undefined || value === "") continue;
    const parsed = fields[key].safeParse(value);
    if (parsed.success) filters[key] = parsed.data;
    else ignored.push(key);
  }
  // One direction at a time.
  if (filters.before && filters.after) {
    delete filters.after;
    ignored.push("after");
  }
  return { filters: filters as DeliveryFilters, ignored };
}

export function rangeStart(range: DeliveryRange | undefined, now: Date): Date | undefined {
  return range ? new Date(now.getTime() - RANGE_MS[range]) : undefined;
}

/** The log's address with these filters (cursor left out unless given). */
export function deliveriesHref(filters: DeliveryFilters): string {
  const query = new URLSearchParams();
  for (const key of ["signal", "outcome", "range", "before", "after"] as const) {
    const value = filters[key];
    if (value) query.set(key, value);
  }
  const text = query.toString();
  return `/admin/signals${text ? `?${text}` : ""}#deliveries`;
}
