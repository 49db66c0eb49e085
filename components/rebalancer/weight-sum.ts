const DECIMAL = /^\d{1,12}(\.\d{1,8})?$/;
const PLACES = 8;

/**
 * The typed weights' sum, exact, as the server's `weightSum` (lib/rebalancer/validation) says it: that one
 * brings decimal.js and zod to the browser (~40 kB gzip) for one addition, so the form adds fixed-point
 * integers instead. A weight that is not a decimal counts as 0.
 */
export function weightSum(targets: { weight: string }[]): string {
  let total = 0n;
  for (const { weight } of targets) {
    if (!DECIMAL.test(weight)) continue;
    const [whole = "0", fraction = ""] = weight.split(".");
    total += BigInt(whole + fraction.padEnd(PLACES, "0"));
  }
  const digits = total.toString().padStart(PLACES + 1, "0");
  const whole = digits.slice(0, -PLACES);
  const fraction = digits.slice(-PLACES).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}
