import { describe, expect, it, vi } from "vitest";
import { createTranslator } from "next-intl";
import en from "@/messages/en.json";
import { translateIssues } from "@/lib/actions/validated-action";
import { addAccountSchema, placeOrderSchema } from "@/lib/validations/accounts";
import { strategySchema } from "@/lib/validations/strategies";

// The action helper signs users in through Auth.js; these tests only translate a form's issues.
vi.mock("@/lib/auth/auth", () => ({ auth: async () => null }));

const t = createTranslator({ locale: "en", messages: en }) as unknown as Parameters<typeof translateIssues>[1];
const validation = en.validation as Record<string, string>;

const ID = "7f1c3f7e-6a8e-4b8e-9d6a-1d2c3b4a5e6f";
const order = { accountId: ID, symbol: "BTC/USDT", side: "buy", type: "market" };

function fieldErrors(result: { success: boolean; error?: Parameters<typeof translateIssues>[0] }) {
  expect(result.success).toBe(false);
  return translateIssues(result.error!, t);
}

describe("field errors", () => {
  it("says a field's problem once even when two checks fail with the same words", () => {
    expect(fieldErrors(placeOrderSchema.safeParse({ ...order, amount: "-5" })).amount).toEqual([validation.amountInvalid]);
    const strategy = { name: "S", signalId: ID, accountId: ID, symbol: "BTC/USDT", followBuy: "on", sizingMode: "quote", sizingValue: "-5", orderType: "market" };
    expect(fieldErrors(strategySchema.safeParse(strategy)).sizingValue).toEqual([validation.amountInvalid]);
  });

  it("calls a huge amount too large, not missing or negative", () => {
    for (const amount of ["1e30", "1E+30", "1000000000000000000000"]) {
      expect(fieldErrors(placeOrderSchema.safeParse({ ...order, amount })).amount).toEqual(["This amount is too large."]);
    }
    expect(fieldErrors(placeOrderSchema.safeParse({ ...order, amount: "abc" })).amount).toEqual([validation.amountInvalid]);
    expect(placeOrderSchema.safeParse({ ...order, amount: "0.015" }).success).toBe(true);
    const paper = { exchange: "paper", label: "P", startingBalance: "1e30", feePercent: "0.1", slippageBps: "5" };
    expect(fieldErrors(addAccountSchema.safeParse(paper)).startingBalance).toEqual(["This amount is too large."]);
  });
});
