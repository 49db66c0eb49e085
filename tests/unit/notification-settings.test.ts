import { describe, expect, it } from "vitest";
import { channelEnabled, effectiveMatrix, quietUntil } from "@/lib/notifications/settings";
import { matrixFromForm, normalizeTime, notificationSettingsSchema } from "@/lib/notifications/validation";

describe("notification settings", () => {
  it("falls back to the defaults and keeps security email on whatever is stored", () => {
    expect(channelEnabled(null, "order.filled", "email")).toBe(true);
    expect(channelEnabled({ "order.filled": { email: false } }, "order.filled", "email")).toBe(false);
    expect(channelEnabled({ "security.alert": { email: false } }, "security.alert", "email")).toBe(true);
    expect(effectiveMatrix({})["daily.summary"]).toEqual({ email: true, telegram: false, inapp: false });
  });

  it("quiet hours: a window across midnight in the user's time zone ends at its local end", () => {
    const settings = { quietStart: "22:00", quietEnd: "07:00", timeZone: "Europe/Kyiv" };
    // 23:30 in Kyiv (UTC+2 in winter) is 21:30 UTC: held until 07:00 Kyiv = 05:00 UTC.
    expect(quietUntil(settings, new Date("2026-01-10T21:30:00Z"))?.toISOString()).toBe("2026-01-11T05:00:00.000Z");
    // 03:00 Kyiv is still inside.
    expect(quietUntil(settings, new Date("2026-01-11T01:00:00Z"))?.toISOString()).toBe("2026-01-11T05:00:00.000Z");
    // 12:00 Kyiv is outside.
    expect(quietUntil(settings, new Date("2026-01-11T10:00:00Z"))).toBeNull();
    expect(quietUntil({ quietStart: null, quietEnd: null, timeZone: "UTC" }, new Date())).toBeNull();
  });

  it("validates the form: both ends or neither, HH:MM, a real time zone; unchecked cells are off", () => {
    expect(notificationSettingsSchema.safeParse({ quietStart: "22:00", quietEnd: "", timeZone: "UTC" }).success).toBe(false);
    expect(notificationSettingsSchema.safeParse({ quietStart: "25:00", quietEnd: "07:00", timeZone: "UTC" }).success).toBe(false);
    expect(notificationSettingsSchema.safeParse({ quietStart: "", quietEnd: "", timeZone: "Mars/Olympus" }).success).toBe(false);
    expect(notificationSettingsSchema.safeParse({ quietStart: "22:00", quietEnd: "07:00", timeZone: "Europe/Kyiv" }).success).toBe(true);
    const form = new FormData();
    form.set("m:order.filled:inapp", "on");
    const matrix = matrixFromForm(form);
    expect(matrix["order.filled"]).toEqual({ email: false, telegram: false, inapp: true });
    expect(matrix["security.alert"]!.email).toBe(true);
  });

  it("a typed quiet-hours time reads as 24-hour HH:MM in every language; what is not a time is left for the schema", () => {
    expect(["7:00", "700", "0700", "23.30", " 23:30 ", "2330"].map(normalizeTime)).toEqual(["07:00", "07:00", "07:00", "23:30", "23:30", "23:30"]);
    for (const bad of ["24:00", "7:60", "7pm", "11:00 PM", ""]) {
      const typed = normalizeTime(bad);
      expect(notificationSettingsSchema.safeParse({ quietStart: typed, quietEnd: typed, timeZone: "UTC" }).success).toBe(bad === "");
    }
  });
});
