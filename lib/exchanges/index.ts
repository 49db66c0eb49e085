import "server-only";
import { getDb } from "@/db/client";
import type { ExchangeAccount } from "@/db/schema";
import { appKeyring, bindAccountKeysOnUse, decryptSecret } from "@/lib/crypto";
import { env } from "@/lib/env";
import { withOrderMetrics } from "@/lib/metrics/orders";
import { venueMeter } from "./budget";
import { createCcxtClient, type CcxtExchangeId } from "./ccxt-adapter";
import { createPaperExchange, paperPriceSources, type PaperPriceSource } from "./paper";
import { withSharedBalance } from "./shared-balance";
import { withSharedQuotes } from "./shared-quotes";
import type { ExchangeClient, MarketType } from "./types";

export * from "./types";
export { EXCHANGES, exchangeInfo } from "./catalog";
export { checkOrder, floorToStep, roundPrice } from "./precision";
export { deterministicClientOrderId, manualClientOrderId } from "./client-order-id";

export interface Credentials {
  apiKey: string;
  secret: string;
  password?: string;
}

/** Decrypts an account's keys: only in server code about to call the exchange. */
function credentialsOf(account: ExchangeAccount): Credentials {
  if (!account.apiKeyEnc || !account.apiSecretEnc || !account.keyVersion) throw new Error("account has no keys");
  const keyring = appKeyring();
  const ctx = (purpose: string) => ({ userId: account.userId, purpose, accountId: account.id });
  const credentials = {
    apiKey: decryptSecret(account.apiKeyEnc, account.keyVersion, ctx("api_key"), keyring),
    secret: decryptSecret(account.apiSecretEnc, account.keyVersion, ctx("api_secret"), keyring),
    password: account.passphraseEnc
      ? decryptSecret(account.passphraseEnc, account.keyVersion, ctx("passphrase"), keyring)
      : undefined,
  };
  // Keys sealed before the account binding are re-sealed bound to this account (never throws).
  void bindAccountKeysOnUse(account);
  return credentials;
}

/**
 * The one way to a venue: every HTTP request spends the venue's request weight from the budget shared by
 * every server on this outbound address (EXCHANGE_EGRESS_ID), and tickers and market lists are shared.
 */
export async function liveClient(opts: {
  exchange: CcxtExchangeId;
  marketType: MarketType;
  sandbox: boolean;
  credentials?: Credentials;
  timeoutMs?: number;
}): Promise<ExchangeClient> {
  const apiOverride = env().EXCHANGE_API_OVERRIDE;
  const client = await createCcxtClient({ ...opts, apiOverride, timeoutMs: opts.timeoutMs ?? env().EXCHANGE_TIMEOUT_MS, meter: venueMeter(opts.exchange) });
  return withSharedQuotes(client, [opts.exchange, opts.marketType, opts.sandbox, apiOverride ?? ""].join(":"));
}

// The paper exchange prices market orders from Binance's public ticker when it can be reached; a
// failure is remembered for a minute so an offline machine does not wait on every order.
let tickerDownUntil = 0;
let publicBinance: { override: string | undefined; client: Promise<ExchangeClient> } | undefined;

async function publicPrice(symbol: string): Promise<string | null> {
  if (Date.now() < tickerDownUntil) return null;
  try {
    const override = env().EXCHANGE_API_OVERRIDE;
    let kept = publicBinance;
    if (!kept || kept.override !== override) {
      kept = { override, client: liveClient({ exchange: "binance", marketType: "spot", sandbox: false, timeoutMs: 3_000 }) };
      publicBinance = kept;
      kept.client.catch(() => (publicBinance = undefined));
    }
    return (await (await kept.client).ticker(symbol)).last;
  } catch {
    tickerDownUntil = Date.now() + 60_000;
    return null;
  }
}

/** Where the paper market's latest price among `symbols` came from (null when it has none yet). */
export async function paperMarketSource(symbols: string[]): Promise<PaperPriceSource | null> {
  const rows = await paperPriceSources(await getDb(), symbols);
  rows.sort((a, b) => b.at.getTime() - a.at.getTime());
  return rows[0]?.source ?? null;
}

export async function clientForAccount(account: ExchangeAccount, marketType?: MarketType): Promise<ExchangeClient> {
  if (account.exchange === "paper") {
    return withOrderMetrics(createPaperExchange({
      db: await getDb(),
      accountId: account.id,
      feeRate: account.paperFeeRate ?? env().PAPER_FEE_RATE,
      slippageBps: account.paperSlippageBps ?? env().PAPER_SLIPPAGE_BPS,
      priceSource: env().PAPER_PRICE_FEED === "simulated" ? undefined : publicPrice,
      simulate: env().PAPER_PRICE_FEED !== "live",
    }), "paper");
  }
  const type = marketType ?? (account.spot ? "spot" : "swap");
  // One ccxt instance per account and key, kept a while: building one costs tens of milliseconds of CPU
  // per order, and a fan-out of one signal to many strategies of an account would build one for each.
  const key = [account.id, type, account.sandbox, account.keyVersion, account.apiKeyEnc, account.apiSecretEnc, account.passphraseEnc, env().EXCHANGE_API_OVERRIDE].join("|");
  const kept = liveClients.get(key);
  if (kept && Date.now() - kept.at < CLIENT_TTL_MS) return kept.client;
  const client = liveClient({ exchange: account.exchange as CcxtExchangeId, marketType: type, sandbox: account.sandbox, credentials: credentialsOf(account) }).then((live) =>
    withSharedBalance(withOrderMetrics(live, account.exchange), `${account.id}:${type}`),
  );
  liveClients.delete(key);
  liveClients.set(key, { at: Date.now(), client });
  client.catch(() => liveClients.delete(key));
  for (const oldest of liveClients.keys()) {
    if (liveClients.size <= MAX_LIVE_CLIENTS) break;
    liveClients.delete(oldest);
  }
  return client;
}

const CLIENT_TTL_MS = 10 * 60_000;

/** Tests: the next call builds every client afresh (as another process, or one past the TTL, would). */
export function forgetLiveClients() {
  liveClients.clear();
}
const MAX_LIVE_CLIENTS = 1_000;
const liveClients = new Map<string, { at: number; client: Promise<ExchangeClient> }>();
