import { describe, expect, it } from "vitest";
import { strategyPageWindow } from "@/lib/strategies/page-window";

describe("the Strategies page's window", () => {
  it("shows 50 at a time, the asked page within range, and one page when there are none", () => {
    expect(strategyPageWindow({ total: 200, pageSize: 50, page: "2", openIndex: -1 })).toEqual({ page: 2, pages: 4, start: 50, end: 100 });
    expect(strategyPageWindow({ total: 120, pageSize: 50, page: "9", openIndex: -1 })).toEqual({ page: 3, pages: 3, start: 100, end: 120 });
    expect(strategyPageWindow({ total: 0, pageSize: 50, page: undefined, openIndex: -1 })).toEqual({ page: 1, pages: 1, start: 0, end: 0 });
  });

  it("ignores a page that is not a positive whole number", () => {
    for (const page of ["0", "-1", "1.5", "abc", ""]) expect(strategyPageWindow({ total: 200, pageSize: 50, page, openIndex: -1 }).page).toBe(1);
  });

  it("opens the page that holds a linked strategy, whatever page was asked", () => {
    expect(strategyPageWindow({ total: 200, pageSize: 50, page: "1", openIndex: 149 })).toEqual({ page: 3, pages: 4, start: 100, end: 150 });
    expect(strategyPageWindow({ total: 200, pageSize: 50, page: undefined, openIndex: 0 }).page).toBe(1);
  });
});
