import { describe, expect, it } from "vitest";
import { withSharedBalance } from "@/lib/exchanges/shared-balance";
import type { ExchangeClient } from "@/lib/exchanges/types";

describe("the shared-balance wrapper", () => {
  it("passes a cancel's options on: a trigger order is cancelled as a trigger, never as a plain order of the same number", async () => {
    const cancels: unknown[][] = [];
    const client = {
      marketType: "swap",
      cancelOrder: async (...args: unknown[]) => {
        cancels.push(args);
        return { id: String(args[0]), status: "canceled" };
      },
    } as unknown as ExchangeClient;
    const wrapped = withSharedBalance(client, "account-1:swap");
    await wrapped.cancelOrder("4001", "BTC/USDT:USDT", { trigger: true });
    await wrapped.cancelOrder("4002", "BTC/USDT:USDT");
    expect(cancels).toEqual([
      ["4001", "BTC/USDT:USDT", { trigger: true }],
      ["4002", "BTC/USDT:USDT", undefined],
    ]);
  });
});
