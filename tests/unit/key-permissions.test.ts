import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { createCcxtClient } from "@/lib/exchanges/ccxt-adapter";
import { readKeyPermissions, refusesKey } from "@/lib/exchanges/key-permissions";
import { PERMISSION_READERS } from "@/lib/exchanges/permission-readers";
import type { KeyPermissions, MarketType } from "@/lib/exchanges/types";

/** What each venue answers about a key that may withdraw, and about one that may only trade. */
const ANSWERS = {
  binance: {
    path: "/sapi/v1/account/apiRestrictions",
    withdraw: { ipRestrict: false, enableReading: true, enableSpotAndMarginTrading: true, enableFutures: false, enableWithdrawals: true },
    tradeOnly: { ipRestrict: true, enableReading: true, enableSpotAndMarginTrading: false, enableFutures: true, enableWithdrawals: false },
    silent: { enableReading: true, enableSpotAndMarginTrading: true },
  },
  bybit: {
    path: "/v5/user/query-api",
    withdraw: { retCode: 0, retMsg: "", result: { readOnly: 0, ips: ["*"], permissions: { Spot: ["SpotTrade"], ContractTrade: [], Wallet: ["AccountTransfer", "Withdraw"] } } },
    tradeOnly: { retCode: 0, retMsg: "", result: { readOnly: 0, ips: ["198.51.100.10"], permissions: { Spot: [], ContractTrade: ["Order", "Position"], Wallet: ["AccountTransfer"] } } },
    silent: { retCode: 0, retMsg: "", result: { readOnly: 0 } },
  },
  okx: {
    path: "/api/v5/account/config",
    withdraw: { code: "0", msg: "", data: [{ uid: "1", perm: "read_only,trade,withdraw", ip: "" }] },
    tradeOnly: { code: "0", msg: "", data: [{ uid: "1", perm: "read_only", ip: "198.51.100.10" }] },
    silent: { code: "0", msg: "", data: [{ uid: "1" }] },
  },
  bitget: {
    path: "/api/v2/spot/account/info",
    withdraw: { code: "00000", msg: "success", data: { userId: "1", ips: "", authorities: ["stow", "wwow"] } },
    tradeOnly: { code: "00000", msg: "success", data: { userId: "1", ips: "198.51.100.10", authorities: ["coow", "stor"] } },
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

/** A client of the venue as the app builds one (ccxt's real class), pointed at the stand-in above. */
function client(venue: Venue, marketType: MarketType = "spot", sandbox = false) {
  return createCcxtClient({ exchange: venue, marketType, sandbox, credentials, apiOverride: process.env.EXCHANGE_API_OVERRIDE, timeoutMs: 2_000 });
}

/** What a withdraw-capable key (open to any IP, trading spot only) and a trade-only one (allow-listed, futures only) read as. */
const WITHDRAW_SPOT: KeyPermissions = { withdrawals: true, trading: true, ipRestricted: false };
const TRADE_ONLY_SPOT: KeyPermissions = { withdrawals: false, trading: false, ipRestricted: true };

describe("reading what a key may do, through the exchange client, on every venue that says", () => {
  it.each(Object.keys(ANSWERS) as Venue[])("%s: through ccxt's own endpoint", async (venue) => {
    const { path, withdraw, tradeOnly } = ANSWERS[venue];
    answer = withdraw;
    paths.length = 0;
    const spot = await client(venue);
    expect(await readKeyPermissions(spot, { sandbox: false })).toEqual(WITHDRAW_SPOT);
    expect(paths).toContain(path);
    answer = tradeOnly;
    expect(await readKeyPermissions(spot, { sandbox: false })).toEqual(TRADE_ONLY_SPOT);
    // The same key read for USDT perpetuals: trading there is its own permission (OKX has one for both).
    expect((await readKeyPermissions(await client(venue, "swap"), { sandbox: false })).trading).toBe(venue !== "okx");
  });

  it("says nothing (null) when the answer has no such field", async () => {
    for (const venue of Object.keys(ANSWERS) as Venue[]) {
      answer = ANSWERS[venue].silent;
      const read = await readKeyPermissions(await client(venue), { sandbox: false });
      expect(read.withdrawals, venue).toBeNull();
      expect(read.ipRestricted, venue).toBeNull();
    }
    const failing = { sapiGetAccountApiRestrictions: async () => Promise.reject(new Error("boom")) };
    await expect(PERMISSION_READERS.binance(failing, "spot")).rejects.toThrow("boom");
  });

  it("refuses a key that may withdraw, and only that", () => {
    expect(refusesKey(WITHDRAW_SPOT)).toBe(true);
    expect(refusesKey(TRADE_ONLY_SPOT)).toBe(false);
    expect(refusesKey({ withdrawals: null, trading: null, ipRestricted: null })).toBe(false);
  });

  it("pays for the read from the venue's budget: Binance's key restrictions weigh 1", async () => {
    answer = ANSWERS.binance.tradeOnly;
    const spent: number[] = [];
    const metered = await createCcxtClient({
      exchange: "binance",
      marketType: "spot",
      sandbox: false,
      credentials,
      apiOverride: process.env.EXCHANGE_API_OVERRIDE,
      timeoutMs: 2_000,
      meter: { spend: async (weight) => void spent.push(weight), observe: async () => {} },
    });
    const read = await readKeyPermissions(metered, { sandbox: false });
    expect(read.withdrawals).toBe(false);
    expect(spent).toEqual([1]);
  });

  it("refuses the key on a live venue when the read fails (try again), and says nothing on a sandbox", async () => {
    status = 503;
    answer = { msg: "Service unavailable" };
    try {
      for (const venue of Object.keys(ANSWERS) as Venue[]) {
        await expect(readKeyPermissions(await client(venue), { sandbox: false }), venue).rejects.toMatchObject({ code: "key_permissions_unread" });
        expect(await readKeyPermissions(await client(venue, "spot", true), { sandbox: true }), venue).toEqual({ withdrawals: null, trading: null, ipRestricted: null });
      }
    } finally {
      status = 200;
    }
  });
});
