import { describe, expect, it } from "vitest";
import { ordersPeriodFor, parseStatisticsQuery, statPeriodStart } from "@/lib/statistics";

describe("the Statistics page's search params", () => {
  it("keeps valid values and names the invalid ones instead of failing", () => {
    const account = "0b5f2a4e-6d1c-4c3e-9a7b-2f8e1d0c9b7a";
    expect(parseStatisticsQuery({ period: "90d", account })).toEqual({ period: "90d", account, invalid: [] });
    expect(parseStatisticsQuery({ period: "century", account: "'; drop table fills;--" })).toEqual({ period: "30d", account: undefined, invalid: ["period", "account"] });
    expect(parseStatisticsQuery({ period: ["7d", "all"] })).toEqual({ period: "7d", account: undefined, invalid: [] });
    expect(parseStatisticsQuery({})).toEqual({ period: "30d", account: undefined, invalid: [] });
  });

  it("starts a period at a UTC midnight, today counting as its first day", () => {
    const now = new Date("2031-05-20T12:34:56Z");
    expect(statPeriodStart("7d", now)?.toISOString()).toBe("2031-05-14T00:00:00.000Z");
    expect(statPeriodStart("90d", now)?.toISOString()).toBe("2031-02-20T00:00:00.000Z");
    expect(statPeriodStart("all", now)).toBeUndefined();
    expect(["7d", "30d", "90d", "all"].map((p) => ordersPeriodFor(p as "7d"))).toEqual(["7d", "30d", "all", "all"]);
  });
});
