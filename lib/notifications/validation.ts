import { z } from "zod";
import { CHANNELS, EVENT_TYPES, isLocked } from "./settings";
import type { NotificationMatrix } from "@/db/schema/notifications";

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function validTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const notificationSettingsSchema = z
  .object({
    quietStart: z.union([z.literal(""), z.string().regex(HHMM, "invalidTime")]).default(""),
    quietEnd: z.union([z.literal(""), z.string().regex(HHMM, "invalidTime")]).default(""),
    timeZone: z.string().trim().min(1, "invalidTimeZone").max(64, "invalidTimeZone").refine(validTimeZone, "invalidTimeZone"),
  })
  .refine((v) => (v.quietStart === "") === (v.quietEnd === ""), { message: "quietBoth", path: ["quietEnd"] });

export type NotificationSettingsInput = z.infer<typeof notificationSettingsSchema>;

/**
 * What a person typed into a 24-hour time field, as HH:MM when it reads as one ("7:00", "700", "23.30");
 * anything else is left as typed for the schema to refuse.
 */
export function normalizeTime(raw: string): string {
  const m = /^\s*(\d{1,2})[:.\s]?(\d{2})\s*$/.exec(raw);
  if (!m) return raw.trim();
  const value = `${m[1]!.padStart(2, "0")}:${m[2]}`;
  return HHMM.test(value) ? value : raw.trim();
}

/** The checkbox name of one matrix cell. */
export const cellName = (type: string, channel: string) => `m:${type}:${channel}`;

/** The matrix as the form sent it: every cell explicit (an unchecked box is absent from the form). */
export function matrixFromForm(formData: FormData): NotificationMatrix {
  const matrix: NotificationMatrix = {};
  for (const type of EVENT_TYPES) {
    matrix[type] = Object.fromEntries(CHANNELS.map((c) => [c, isLocked(type, c) || formData.get(cellName(type, c)) === "on"]));
  }
  return matrix;
}
