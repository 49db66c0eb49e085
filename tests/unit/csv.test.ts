import { describe, expect, it } from "vitest";
import { csvCell, csvRow } from "@/lib/csv";
import { parseOrdersQuery, periodStart } from "@/lib/validations/orders";

describe("csvCell", () => {
  it.each([
    ["=HYPERLINK(\"http://x\")", `"'=HYPERLINK(""http://x"")"`],
    ["=1+2", "'=1+2"],
    ["+1", "'+1"],
    ["-1.5", "'-1.5"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", `"'\rcmd"`],
  ])("neutralises a formula start: %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("quotes commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line1\nline2")).toBe('"line1\nline2"');
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
  });

  it("leaves plain text, decimals and unicode alone", () => {
    expect(csvCell("BTC/USDT")).toBe("BTC/USDT");
    expect(csvCell("0.00012345678901234567")).toBe("0.00012345678901234567");
    expect(csvCell("Счёт №1 🚀")).toBe("Счёт №1 🚀");
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(42)).toBe("42");
  });

  it("writes a CRLF-terminated row", () => {
    expect(csvRow(["a", "=b", 'c"d', null])).toBe(`a,'=b,"c""d",\r\n`);
  });
});

describe("parseOrdersQuery", () => {
  it("keeps valid filters and names the invalid ones instead of failing", () => {
    const { filters, invalid } = parseOrdersQuery({
      account: "not-a-uuid",
      strategy: "0b5e8f4e-7a4c-4d1e-9a8c-3f2b1c0d9e8f",
      status: "skipped",
      side: "long",
      period: "7d",
      symbol: "BTC/USDT",
      page: "0",
    });
    expect(filters).toEqual({ strategy: "0b5e8f4e-7a4c-4d1e-9a8c-3f2b1c0d9e8f", status: "skipped", period: "7d", symbol: "BTC/USDT" });
    expect(invalid).toEqual(["account", "side", "page"]);
  });

  it("starts periods at UTC midnight", () => {
    const now = new Date("2030-05-10T15:30:00Z");
    expect(periodStart("today", now)?.toISOString()).toBe("2030-05-10T00:00:00.000Z");
    expect(periodStart("7d", now)?.toISOString()).toBe("2030-05-04T00:00:00.000Z");
    expect(periodStart("30d", now)?.toISOString()).toBe("2030-04-11T00:00:00.000Z");
    expect(periodStart("all", now)).toBeUndefined();
  });
});
