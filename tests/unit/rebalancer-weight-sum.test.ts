import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { weightSum } from "@/components/rebalancer/weight-sum";
import { weightSum as serverWeightSum } from "@/lib/rebalancer/validation";

const weight = fc.oneof(
  fc.tuple(fc.stringMatching(/^\d{1,6}$/), fc.option(fc.stringMatching(/^\d{1,8}$/), { nil: undefined })).map(([w, f]) => (f === undefined ? w : `${w}.${f}`)),
  fc.constantFrom("", "abc", "1.", ".5", "-3", "1e3", " 2", "1.123456789", "0", "000.000"),
);

describe("the rebalancer form's weight sum", () => {
  it("adds exactly and leaves out what is not a decimal", () => {
    expect(weightSum([{ weight: "33.33333333" }, { weight: "33.33333333" }, { weight: "33.33333334" }])).toBe("100");
    expect(weightSum([{ weight: "0.1" }, { weight: "0.2" }])).toBe("0.3");
    expect(weightSum([{ weight: "12.50" }, { weight: "x" }, { weight: "" }])).toBe("12.5");
    expect(weightSum([])).toBe("0");
    expect(weightSum([{ weight: "0.00000001" }])).toBe("0.00000001");
  });

  it("says what the server's decimal.js sum says", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ weight }), { maxLength: 12 }), (targets) => {
        expect(weightSum(targets)).toBe(serverWeightSum(targets));
      }),
      { numRuns: 500 },
    );
  });
});
