import { describe, expect, it } from "vitest";
import { axisTicks } from "@/components/statistics/format";

describe("chart axis labels", () => {
  it("keep the decimals a small P&L needs: −0.15 is not shown as −0.2", () => {
    const { format } = axisTicks("en", [-0.15, 0.05, 0.3]);
    expect([-0.15, 0, 0.15, 0.3].map(format)).toEqual(["-0.15", "0", "0.15", "0.3"]);
    expect(axisTicks("en", [0.004, -0.002]).format(-0.0015)).toBe("-0.0015");
  });

  it("use compact notation only when ticks are thousands apart", () => {
    expect(axisTicks("en", [12_000, -25_000]).format(-12_500)).toBe("-12.5K");
    expect(axisTicks("en", [250, -120]).format(125)).toBe("125");
    // Equity near 10,000 moving by cents: the labels tell the ticks apart.
    const equity = axisTicks("en", [10_000, 10_000.2], { zero: false });
    expect([10_000.05, 10_000.1].map(equity.format)).toEqual(["10,000.05", "10,000.1"]);
    expect(equity.width).toBeGreaterThan(48);
  });

  it("follow the locale", () => {
    expect(axisTicks("ru", [-0.15, 0.3]).format(-0.15)).toBe("-0,15");
  });
});
