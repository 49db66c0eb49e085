import Decimal from "decimal.js";

/** USD spent on tokens at the source's prices per million tokens, to the cent's hundredth. */
export function tokenCost(tokensIn: number, tokensOut: number, inputPricePerM: string, outputPricePerM: string): string {
  return new Decimal(tokensIn).mul(inputPricePerM).plus(new Decimal(tokensOut).mul(outputPricePerM)).div(1_000_000).toFixed(4);
}
