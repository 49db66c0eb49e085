import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { WITHDRAWAL_READERS, readKeyPermissions } from "@/lib/exchanges/key-permissions";

/** What each venue answers about a key that may withdraw, and about one that may only trade. */
const ANSWERS = {
  binance: {
    path: "/sapi/v1/account/apiRestrictions",
    withdraw: { enableReading: true, enableSpotAndMarginTrading: true, enableWithdrawals: true },
    tradeOnly: { enableReading: true, enableSpotAndMarginTrading: true, enableWithdrawals: false },
    silent: { enableReading: true, enableSpotAndMarginTrading: true },
  },
  bybit: {
    path: "/v5/user/query-api",
    withdraw: { retCode: 0, retMsg: "", result: { readOnly: 0, permissions: { Spot: ["SpotTrade"], Wallet: ["AccountTransfer", "Withdraw"] } } },
    tradeOnly: { retCode: 0, retMsg: "", result: { readOnly: 0, permissions: { Spot: ["SpotTrade"], Wallet: ["AccountTransfer"] } } },
    silent: { retCode: 0, retMsg: "", result: { readOnly: 0 } },
  },
  okx: {
    path: "/api/v5/account/config",
    withdraw: { code: "0", msg: "", data: [{ uid: "1", perm: "read_only,trade,withdraw", ip: "" }] },
    tradeOnly: { code: "0", msg: "", data: [{ uid: "1", perm: "read_only,trade", ip: "198.51.100.10" }] },
    silent: { code: "0", msg: "", data: [{ uid: "1" }] },
  },
  bitget: {
    path: "/api/v2/spot/account/info",
    withdraw: { code: "00000", msg: "success", data: { userId: "1", authorities: ["stow", "coow", "wwow"] } },
    tradeOnly: { code: "00000", msg: "success", data: { userId: "1", authorities: ["stow", "coow", "stor"] } },
    silent: { code: "00000", msg: "success", data: { userId: "1" } },
  },
} as const;
type Venue = keyof typeof ANSWERS;

let answer: unknown = {};
let status = 200;
const paths: string[] = [];
const server = createServer((req, res) => {
  paths.push(new URL(req.url ?? "/", "http://x").pathname);
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(answer));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.EXCHANGE_API_OVERRIDE = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.EXCHANGE_TIMEOUT_MS = "2000";
  resetEnvForTests();
});
afterAll(async () => {
  delete process.env.EXCHANGE_API_OVERRIDE;
  resetEnvForTests();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const credentials = { apiKey: "key-0000", secret: "secret-0000", password: "passphrase" };

describe("reading whether a key may withdraw, on every venue that says", () => {
  it.each(Object.keys(ANSWERS) as Venue[])("%s: through ccxt's own endpoint", async (venue) => {
    const { path, withdraw, tradeOnly } = ANSWERS[venue];
    answer = withdraw;
    paths.length = 0;
    expect(await readKeyPermissions({ exchange: venue, sandbox: false, credentials })).toEqual({ withdrawals: true });
    expect(paths).toContain(path);
    answer = tradeOnly;
    expect(await readKeyPermissions({ exchange: venue, sandbox: false, credentials })).toEqual({ withdrawals: false });
  });

  it("says nothing (null) when the answer has no such field", async () => {
    for (const venue of Object.keys(ANSWERS) as Venue[]) {
      answer = ANSWERS[venue].silent;
      expect(await readKeyPermissions({ exchange: venue, sandbox: false, credentials }), venue).toEqual({ withdrawals: null });
    }
    const failing = { sapiGetAccountApiRestrictions: async () => Promise.reject(new Error("boom")) };
    await expect(WITHDRAWAL_READERS.binance(failing)).rejects.toThrow("boom");
  });

  it("refuses the key on a live venue when the read fails (try again), and says nothing on a sandbox", async () => {
    status = 503;
    answer = { msg: "Service unavailable" };
    try {
      for (const venue of Object.keys(ANSWERS) as Venue[]) {
        await expect(readKeyPermissions({ exchange: venue, sandbox: false, credentials }), venue).rejects.toMatchObject({ code: "key_permissions_unread" });
        expect(await readKeyPermissions({ exchange: venue, sandbox: true, credentials }), venue).toEqual({ withdrawals: null });
      }
    } finally {
      status = 200;
    }
  });
});
