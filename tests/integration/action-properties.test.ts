import { sql } from "drizzle-orm";
import fc from "fast-check";
import { createTranslator } from "next-intl";
import { beforeAll, describe, expect, it, vi } from "vitest";
import en from "@/messages/en.json";
import enAi from "@/messages/en.ai.json";
import enNotifications from "@/messages/en.notifications.json";
import enRebalancer from "@/messages/en.rebalancer.json";
import { exchangeAccounts, signals, users } from "@/db/schema";
import type { ActionState } from "@/lib/actions/validated-action";
import { useTestDatabase } from "../helpers/test-db";

// Whatever a form posts, a malformed submission is an error state that says what to fix, and no row changes.
const session = vi.hoisted(() => ({ user: null as null | { id: string; role: number } }));
vi.mock("@/lib/auth/session", () => ({
  requireUser: async () => {
    if (!session.user) throw new Error("test: no user signed in");
    return { ...session.user, email: "x@example.com", name: "X", disabled: false, sessionVersion: 0, locale: "en" };
  },
  keepThisSession: async () => {},
}));
// Only reached past validation (step-up), which these inputs never pass.
vi.mock("@/lib/auth/auth", () => ({ auth: async () => null, signIn: async () => {}, signOut: async () => {} }));
vi.mock("next-auth", () => ({ AuthError: class AuthError extends Error {}, CredentialsSignin: class CredentialsSignin extends Error {} }));
const MESSAGES = { ...en, ...enNotifications, ...enRebalancer, ...enAi };
vi.mock("next-intl/server", () => ({
  getRequestConfig: (config: unknown) => config,
  getLocale: async () => "en",
  getTranslations: async (namespace?: string) =>
    createTranslator({ locale: "en", messages: MESSAGES, namespace: namespace as never, onError: () => {} }),
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.20" }),
  cookies: async () => ({ get: () => undefined }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { createStrategyAction, testSignalAction } = await import("@/app/(dashboard)/dashboard/strategies/actions");
const { addAccountAction, placeOrderAction } = await import("@/app/(dashboard)/dashboard/accounts/actions");
const { saveRebalancerAction } = await import("@/app/(dashboard)/dashboard/rebalancer/actions");
const { createSignalAction } = await import("@/app/admin/signals/actions");
const { saveNotificationSettingsAction } = await import("@/components/notifications/actions");
const { strategySchema, testSignalSchema } = await import("@/lib/validations/strategies");
const { addAccountSchema, placeOrderSchema } = await import("@/lib/validations/accounts");
const { createSignalSchema } = await import("@/lib/validations/signals");
const { notificationSettingsSchema } = await import("@/lib/notifications/validation");
const { rebalancerFormSchema } = await import("@/lib/rebalancer/validation");

const strategies = await import("@/app/(dashboard)/dashboard/strategies/actions");
const accounts = await import("@/app/(dashboard)/dashboard/accounts/actions");
const adminSignals = await import("@/app/admin/signals/actions");
const adminUsers = await import("@/app/admin/users/actions");
const adminAi = await import("@/app/admin/ai/actions");
const { setRequireTwoFactorAction } = await import("@/app/admin/settings/actions");
const { changePasswordAction } = await import("@/app/(dashboard)/dashboard/settings/actions");
const { loginAction, registerAction } = await import("@/lib/auth/actions");
const { forgotPasswordAction } = await import("@/app/(auth)/forgot-password/actions");
const v = {
  ...(await import("@/lib/validations/strategies")),
  ...(await import("@/lib/validations/accounts")),
  ...(await import("@/lib/validations/signals")),
  ...(await import("@/lib/validations/admin")),
  ...(await import("@/lib/validations/two-factor")),
  ...(await import("@/lib/validations/auth")),
  ...(await import("@/lib/ai-sources/validation")),
};
const { z } = await import("zod");

const testDb = useTestDatabase();
const RUNS = { numRuns: 120 };
const UNEXPECTED = en.errors.unexpected;
const ids = { trader: "", admin: "", other: "", signal: "", account: "", otherAccount: "", strategy: "" };

/** `db.execute()` yields `{ rows }` on PGlite and an array on postgres.js. */
async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const result: unknown = await testDb.db.execute(query);
  return (Array.isArray(result) ? result : ((result as { rows: T[] }).rows ?? [])) as T[];
}

/** Row count and a digest of every row, per table: the whole database, so no change can hide. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = await rows<{ name: string }>(
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const parts = tables.map(
    ({ name }) => sql`select ${name}::text as t, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from ${sql.identifier(name)} x`,
  );
  const result = await rows<{ t: string; h: string }>(sql.join(parts, sql` union all `));
  return Object.fromEntries(result.map((r) => [r.t, r.h]));
}

beforeAll(async () => {
  const db = testDb.db;
  const [trader, admin, other] = await db
    .insert(users)
    .values([
      { email: "prop-trader@example.com", name: "Trader", passwordHash: "x", role: 2 },
      { email: "prop-admin@example.com", name: "Admin", passwordHash: "x", role: 3 },
      { email: "prop-other@example.com", name: "Other", passwordHash: "x", role: 2 },
    ])
    .returning();
  ids.trader = trader!.id;
  ids.admin = admin!.id;
  ids.other = other!.id;
  ids.signal = (await db.insert(signals).values({ name: "prop-signal", secretHash: "h", secretHint: "x" }).returning())[0]!.id;
  const accounts = await db
    .insert(exchangeAccounts)
    .values([
      { userId: ids.trader, exchange: "paper", label: "Paper" },
      { userId: ids.other, exchange: "paper", label: "Theirs" },
    ])
    .returning();
  ids.account = accounts[0]!.id;
  ids.otherAccount = accounts[1]!.id;
});

type Fields = Record<string, string | Blob>;
type Mutation = { field: string; value: string | Blob | undefined };

function form(fields: Fields): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

const FILE = new File(["not a field"], "upload.txt", { type: "text/plain" });

/** What a person, a browser quirk or a hand-made request can put in a form field. */
const junk: fc.Arbitrary<string | Blob | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      "", " ", "-1", "0", "0.0", "1e400", "1e15", "NaN", "Infinity", "0x10", "1,5", "١٢٣", "12.3456789012345",
      "25:99", "on", "true", "off", "<script>alert(1)</script>", "'; drop table users; --", "00000000-0000-0000-0000-000000000000",
    ),
    weight: 3,
  },
  { arbitrary: fc.string({ minLength: 300, maxLength: 5000 }), weight: 1 },
  { arbitrary: fc.constant(FILE), weight: 1 },
);

/** A valid form with one to three fields replaced, removed or added, kept only when the schema refuses it. */
function malformed(base: () => Fields, schema: { safeParse: (v: unknown) => { success: boolean } }, extra: string[] = []) {
  const fields = [...Object.keys(base()), ...extra, "unexpectedField"];
  const mutation: fc.Arbitrary<Mutation> = fc.record({ field: fc.constantFrom(...fields), value: junk });
  return fc
    .array(mutation, { minLength: 1, maxLength: 3 })
    .map((changes) => {
      const fields = base();
      for (const { field, value } of changes) {
        if (value === undefined) delete fields[field];
        else fields[field] = value;
      }
      return fields;
    })
    .filter((fields) => !schema.safeParse(Object.fromEntries(form(fields))).success);
}

/** Looks like a message key rather than a sentence ("validation.amountInvalid", "labelRequired"). */
const KEY_LIKE = /^([a-z]+\.)+[a-zA-Z.]+$|^[a-z]+[A-Z][a-zA-Z]*$/;

/** An error state a person can act on: a sentence, field errors in words, nothing claimed done, no secret echoed. */
function expectErrorState(state: ActionState, fields: Fields) {
  expect(state.ok, JSON.stringify(state)).not.toBe(true);
  expect(state.reveal).toBeUndefined();
  const texts = [state.message, ...Object.values(state.errors ?? {}).flat()].filter((t): t is string => typeof t === "string");
  expect(texts.length, JSON.stringify(state)).toBeGreaterThan(0);
  for (const text of texts) {
    expect(text.trim().length, JSON.stringify(state)).toBeGreaterThan(5);
    expect(text, JSON.stringify(state)).not.toMatch(KEY_LIKE);
    // "Something went wrong" is what a throw becomes: bad input must be named, not crash.
    expect(text, JSON.stringify({ state, fields })).not.toBe(UNEXPECTED);
  }
  for (const name of ["apiKey", "apiSecret", "passphrase"]) expect(state.values?.[name]).toBeUndefined();
}

async function unchangedAfter(run: () => Promise<void>) {
  const before = await snapshot();
  await run();
  expect(await snapshot()).toEqual(before);
}

function property(action: (prev: ActionState, data: FormData) => Promise<ActionState>, arb: fc.Arbitrary<Fields>, runs = RUNS) {
  return unchangedAfter(() =>
    fc.assert(
      fc.asyncProperty(arb, async (fields) => {
        expectErrorState(await action({}, form(fields)), fields);
      }),
      runs,
    ),
  );
}

const strategyForm = (): Fields => ({
  name: "Prop strategy",
  signalId: ids.signal,
  accountId: ids.account,
  symbol: "BTC/USDT",
  followBuy: "on",
  followSell: "on",
  sizingMode: "quote",
  sizingValue: "10",
  orderType: "market",
  limitOffsetPct: "0",
  takeProfitPct: "",
  stopLossPct: "",
  maxOpenOrders: "",
  maxPosition: "",
  enabled: "on",
});
const STRATEGY_OPTIONAL = ["followClose", "followCancel", "leverage", "marginMode", "allowShorts"];

describe("server actions under malformed input on " + (process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"), () => {
  it("creating a strategy", async () => {
    session.user = { id: ids.trader, role: 2 };
    await property(createStrategyAction, malformed(strategyForm, strategySchema, STRATEGY_OPTIONAL));
  });

  it("creating a strategy on a signal or an account that is not there, off, or someone else's", async () => {
    session.user = { id: ids.trader, role: 2 };
    const arb = fc.oneof(
      fc.uuid().map((signalId) => ({ ...strategyForm(), signalId })),
      fc.oneof(fc.uuid(), fc.constant(ids.otherAccount)).map((accountId) => ({ ...strategyForm(), accountId })),
    );
    await property(createStrategyAction, arb, { numRuns: 40 });
  });

  it("sending a test signal", async () => {
    session.user = { id: ids.trader, role: 2 };
    const base = (): Fields => ({ strategyId: "00000000-0000-4000-8000-000000000001", action: "buy", price: "" });
    await property(testSignalAction, malformed(base, testSignalSchema));
  });

  it("adding a paper account (or an exchange account without its keys)", async () => {
    session.user = { id: ids.trader, role: 2 };
    const base = (): Fields => ({ exchange: "paper", label: "Paper 2", startingBalance: "10000", feePercent: "0.1", slippageBps: "5" });
    await property(addAccountAction, malformed(base, addAccountSchema, ["spot", "futures", "sandbox", "apiKey", "apiSecret", "passphrase"]));
  });

  it("placing a manual order", async () => {
    session.user = { id: ids.trader, role: 2 };
    const base = (): Fields => ({ accountId: ids.account, symbol: "BTC/USDT", side: "buy", type: "limit", amountIn: "base", amount: "0.01", price: "100" });
    await property(placeOrderAction, malformed(base, placeOrderSchema));
  });

  it("saving notification settings", async () => {
    session.user = { id: ids.trader, role: 2 };
    const base = (): Fields => ({ quietStart: "22:00", quietEnd: "07:00", timeZone: "Europe/Berlin", "m:order.filled:email": "on" });
    await property(saveNotificationSettingsAction, malformed(base, notificationSettingsSchema));
  });

  it("creating a signal (admin)", async () => {
    session.user = { id: ids.admin, role: 3 };
    const base = (): Fields => ({ name: "prop-new-signal", description: "from the property test" });
    await property(createSignalAction, malformed(base, createSignalSchema));
  });

  it("saving rebalancer settings", async () => {
    session.user = { id: ids.trader, role: 2 };
    const base = (): Fields => ({
      accountId: ids.account,
      quote: "USDT",
      targets: "BTC=50;USDT=50",
      intervalHours: "24",
      driftPct: "",
      minTradeQuote: "10",
      dryRun: "on",
      enabled: "on",
    });
    // A weight that is not a decimal is covered on its own below.
    const safe = (fields: Fields) => {
      const targets = fields.targets;
      return typeof targets !== "string" || targets.split(";").every((p) => !p.trim() || /^\d{1,12}([.,]\d{1,8})?$/.test(p.split("=")[1]?.trim() ?? ""));
    };
    const schema = { safeParse: (v: unknown) => (safe(v as Fields) ? rebalancerFormSchema.safeParse(v) : { success: true }) };
    await property(saveRebalancerAction, malformed(base, schema));
  });

  // The smaller forms, a near-valid submission each, broken one to three fields at a time.
  type Action = (prev: ActionState, data: FormData) => Promise<ActionState>;
  const SOME = "00000000-0000-4000-8000-0000000000aa";
  const simple: [string, Action, { safeParse: (v: unknown) => { success: boolean } }, () => Fields, "trader" | "admin" | null][] = [
    ["turning a strategy off", strategies.toggleStrategyAction, v.toggleStrategySchema, () => ({ strategyId: SOME, enabled: "false", mode: "stop" }), "trader"],
    ["deleting a strategy", strategies.deleteStrategyAction, v.strategyIdSchema, () => ({ strategyId: SOME }), "trader"],
    ["switching a symbol", strategies.symbolSwitchAction, v.symbolSwitchSchema, () => ({ symbol: "BTC/USDT", enabled: "false", mode: "pause" }), "trader"],
    ["switching all trading", strategies.tradingSwitchAction, v.tradingSwitchSchema, () => ({ enabled: "false", mode: "pause" }), "trader"],
    ["deleting an account", accounts.deleteAccountAction, v.accountIdSchema, () => ({ accountId: ids.account }), "trader"],
    ["testing an account's connection", accounts.testConnectionAction, v.accountIdSchema, () => ({ accountId: ids.account }), "trader"],
    ["canceling an order", accounts.cancelOrderAction, v.cancelOrderSchema, () => ({ accountId: ids.account, orderId: "1", symbol: "BTC/USDT" }), "trader"],
    ["canceling all orders of a symbol", accounts.cancelAllAction, v.cancelAllSchema, () => ({ accountId: ids.account, symbol: "BTC/USDT" }), "trader"],
    ["rotating a signal's secret", adminSignals.rotateSignalSecretAction, v.signalIdSchema, () => ({ signalId: ids.signal }), "admin"],
    ["switching a signal", adminSignals.setSignalEnabledAction, v.signalEnabledSchema, () => ({ signalId: ids.signal, enabled: "false" }), "admin"],
    ["changing a role", adminUsers.changeRoleAction, v.changeRoleSchema, () => ({ userId: ids.other, role: "1" }), "admin"],
    ["disabling a user", adminUsers.setDisabledAction, v.setDisabledSchema, () => ({ userId: ids.other, disabled: "true" }), "admin"],
    ["approving a user", adminUsers.approveUserAction, v.approvalSchema, () => ({ userId: ids.other }), "admin"],
    ["declining a user", adminUsers.declineUserAction, v.approvalSchema, () => ({ userId: ids.other }), "admin"],
    ["requiring 2FA for admins", setRequireTwoFactorAction, v.requireTwoFactorSchema, () => ({ enabled: "true" }), "admin"],
    ["switching an AI source", adminAi.setAiSourceEnabledAction, v.aiSourceEnabledSchema, () => ({ sourceId: SOME, enabled: "false" }), "admin"],
    ["deleting an AI source", adminAi.deleteAiSourceAction, v.aiSourceIdSchema, () => ({ sourceId: SOME }), "admin"],
    ["running an AI source now", adminAi.runAiSourceNowAction, v.aiSourceIdSchema, () => ({ sourceId: SOME }), "admin"],
    [
      "saving an AI source",
      adminAi.saveAiSourceAction,
      v.aiSourceFormSchema,
      () => ({
        name: "Prop AI",
        baseUrl: "https://ai.example.com/v1",
        model: "m",
        apiKey: "sk-prop-0123456789",
        signalId: ids.signal,
        symbols: "BTC/USDT",
        candleSource: "paper",
        interval: "1h",
        everyMinutes: "60",
        promptTemplate: "Decide buy, sell or hold for {{symbol}}.",
        minConfidence: "0.6",
        dailySignalCap: "10",
        dailyTokenCap: "100000",
        inputPricePerM: "1",
        outputPricePerM: "2",
      }),
      "admin",
    ],
    ["changing the password", changePasswordAction, v.changePasswordSchema, () => ({ currentPassword: "old password 1", password: "a new long passphrase", confirmPassword: "a new long passphrase" }), "trader"],
    ["signing in", loginAction, v.loginSchema, () => ({ email: "prop-trader@example.com", password: "whatever it is" }), null],
    ["registering", registerAction, v.registerSchema, () => ({ name: "New", email: "new-prop@example.com", password: "a new long passphrase", confirmPassword: "a new long passphrase" }), null],
    ["asking for a password reset", forgotPasswordAction, z.object({ email: v.emailSchema }), () => ({ email: "prop-trader@example.com" }), null],
  ];
  for (const [what, action, schema, base, who] of simple) {
    it(what, async () => {
      session.user = who === "admin" ? { id: ids.admin, role: 3 } : who === "trader" ? { id: ids.trader, role: 2 } : null;
      await property(action, malformed(base, schema), { numRuns: 40 });
    });
  }

  it("a valid submission does change the database (the snapshot sees a change)", async () => {
    session.user = { id: ids.admin, role: 3 };
    const before = await snapshot();
    const state = await createSignalAction({}, form({ name: "prop-valid-signal", description: "" }));
    expect(state).toMatchObject({ ok: true });
    expect(await snapshot()).not.toEqual(before);
  });

  // Fails today: lib/rebalancer/validation.ts runs `new Decimal(weight)` even when the weight failed its
  // pattern, so an empty or non-numeric weight throws and the form shows "Something went wrong" instead of
  // the weight error. Drop `.fails` once the weight refine checks the pattern first.
  it("saving rebalancer settings with a weight that is not a number names the weight", async () => {
    session.user = { id: ids.trader, role: 2 };
    const weight = fc.oneof(fc.constantFrom("", "abc", "50%", "1e5", "-", "."), fc.string({ maxLength: 8 })).filter((w) => !/^\d{1,12}([.,]\d{1,8})?$/.test(w.trim()));
    const arb = weight.map((w): Fields => ({ accountId: ids.account, quote: "USDT", targets: `BTC=${w};USDT=50`, intervalHours: "24", driftPct: "", minTradeQuote: "10" }));
    await property(saveRebalancerAction, arb, { numRuns: 20 });
  });
});
