import "server-only";
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import { getDb } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { insertAccount, type PublicAccount } from "@/db/queries/exchange-accounts";
import { appKeyring, encryptSecret, keyHint } from "@/lib/crypto";
import { liveClient } from "@/lib/exchanges";
import type { CcxtExchangeId } from "@/lib/exchanges/ccxt-adapter";
import { readKeyPermissions, refusesKey, withdrawalKeyError } from "@/lib/exchanges/key-permissions";
import { seedPaperBalances } from "@/lib/exchanges/paper";
import type { AddAccountInput } from "@/lib/validations/accounts";
import { recordBalance } from "./balance-snapshots";

export interface AddAccountResult {
  account: PublicAccount;
  withdrawalsEnabled: boolean | null;
}

/**
 * Live accounts: the exchange is asked for the balance with the given keys first; an auth or permission
 * failure throws an ExchangeError and nothing is stored. A key the exchange says may withdraw is refused
 * (an AppError "withdrawal_key") and nothing is stored either. Keys are stored encrypted, shown as a hint.
 */
export async function addExchangeAccount(
  userId: string,
  input: AddAccountInput,
  meta: { ip: string | null; userAgent: string | null },
): Promise<AddAccountResult> {
  if (input.exchange === "paper") {
    const db = await getDb();
    const start = new Decimal(input.startingBalance ?? "1000").toFixed();
    const account = await db.transaction(async (tx) => {
      const row = await insertAccount(
        {
          userId,
          exchange: "paper",
          label: input.label,
          spot: true,
          futures: false,
          sandbox: false,
          paperFeeRate: new Decimal(input.feePercent ?? "0.1").div(100).toFixed(),
          paperSlippageBps: new Decimal(input.slippageBps ?? "5").toFixed(),
        },
        tx,
      );
      await seedPaperBalances(tx, row.id, { USDT: start });
      return row;
    });
    await recordBalance(userId, account.id, [{ asset: "USDT", free: start, used: "0", total: start }]);
    await writeAudit({ action: "account.added", userId, actorId: userId, detail: { exchange: "paper", label: input.label }, ...meta });
    return { account, withdrawalsEnabled: false };
  }

  const credentials = {
    apiKey: input.apiKey!.trim(),
    secret: input.apiSecret!.trim(),
    password: input.passphrase?.trim() || undefined,
  };
  const marketType = input.spot ? "spot" : "swap";
  const client = await liveClient({ exchange: input.exchange as CcxtExchangeId, marketType, sandbox: input.sandbox, credentials });
  const balance = await client.balance();
  const permissions = await readKeyPermissions(client, { sandbox: input.sandbox });
  if (refusesKey(permissions)) {
    await writeAudit({
      action: "account.refused_withdrawal_key",
      userId,
      actorId: userId,
      detail: { exchange: input.exchange, label: input.label, keyHint: keyHint(credentials.apiKey) },
      ...meta,
    });
    throw withdrawalKeyError(input.exchange);
  }

  const keyring = appKeyring();
  // The id is chosen here so the ciphertexts can bind it (they do not decrypt on another account row).
  const accountId = randomUUID();
  const seal = (value: string, purpose: string) => encryptSecret(value, { userId, purpose, accountId }, keyring);
  const apiKey = seal(credentials.apiKey, "api_key");
  const account = await insertAccount({
    id: accountId,
    userId,
    exchange: input.exchange,
    label: input.label,
    spot: input.spot,
    futures: input.futures,
    sandbox: input.sandbox,
    apiKeyEnc: apiKey.ciphertext,
    apiSecretEnc: seal(credentials.secret, "api_secret").ciphertext,
    passphraseEnc: credentials.password ? seal(credentials.password, "passphrase").ciphertext : null,
    keyVersion: apiKey.keyVersion,
    keyHint: keyHint(credentials.apiKey),
    withdrawalsEnabled: permissions.withdrawals,
    lastCheckedAt: new Date(),
  });
  await recordBalance(userId, account.id, balance);
  await writeAudit({
    action: "account.added",
    userId,
    actorId: userId,
    detail: { exchange: input.exchange, label: input.label, sandbox: input.sandbox, withdrawals: permissions.withdrawals },
    ...meta,
  });
  return { account, withdrawalsEnabled: permissions.withdrawals };
}
