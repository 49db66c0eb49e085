import { describe, expect, it } from "vitest";
import { eventLine, notificationTranslator } from "@/lib/notifications/render";

// A signal the engine gave up on for an error leaves the strategy on: the message must not say it stopped.
describe("the strategy.stopped line", () => {
  const lines = (locale: string) => {
    const { t } = notificationTranslator(locale);
    return {
      error: eventLine(t, "strategy.stopped", { scope: "strategy", strategy: "BTC swing", reason: "error", error: "auth" }),
      user: eventLine(t, "strategy.stopped", { scope: "strategy", strategy: "BTC swing", reason: "user" }),
      all: eventLine(t, "strategy.stopped", { scope: "all", strategy: null, reason: "kill_switch" }),
    };
  };

  it("says an error kept the strategy from acting, and that it stays on, in every language", () => {
    expect(lines("en").error).toBe(
      "Strategy BTC swing could not act on a signal: an error (auth). It stays on and takes the next signal; fix the cause on the account page.",
    );
    expect(lines("ru").error).toContain("остаётся включённой");
    expect(lines("uk").error).toContain("залишається увімкненою");
    for (const locale of ["en", "ru", "uk"]) expect(lines(locale).error).toContain("BTC swing");
  });

  it("still says stopped when the trader or a kill switch stopped it", () => {
    expect(lines("en").user).toBe("Strategy BTC swing stopped: you turned it off.");
    expect(lines("en").all).toBe("All strategies stopped: the kill switch was used.");
    expect(lines("uk").user).toContain("зупинено");
  });
});
