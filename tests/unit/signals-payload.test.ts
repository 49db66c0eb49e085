import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/signals/openapi";
import { parseSignalBody } from "@/lib/signals/payload";
import {
  computeSignature,
  generateSignalSecret,
  legacySigningKey,
  presentedSecretMatches,
  sha256Hex,
  signatureHeader,
  signatureMatches,
  verifySignature,
} from "@/lib/signals/secrets";
import { createHmac } from "node:crypto";
import { normalizeSymbol } from "@/lib/signals/symbols";
import { tradingViewTemplate, webhookUrl } from "@/lib/signals/template";

describe("normalizeSymbol", () => {
  it.each([
    ["BTCUSDT", "BTC/USDT", "spot"],
    ["btcusdt", "BTC/USDT", "spot"],
    [" BINANCE:BTCUSDT ", "BTC/USDT", "spot"],
    ["binance:ethbtc", "ETH/BTC", "spot"],
    ["BTCUSDT.P", "BTC/USDT:USDT", "swap"],
    ["BYBIT:ETHUSDT.P", "ETH/USDT:USDT", "swap"],
    ["btcusdt.p", "BTC/USDT:USDT", "swap"],
    ["BTC/USDT", "BTC/USDT", "spot"],
    ["eth/usdc", "ETH/USDC", "spot"],
    ["BTC/USDT:USDT", "BTC/USDT:USDT", "swap"],
    ["BINANCE:BTC/USDT", "BTC/USDT", "spot"],
    ["BTC/USDT.P", "BTC/USDT:USDT", "swap"],
    ["BTCFDUSD", "BTC/FDUSD", "spot"],
    ["FDUSDUSDT", "FDUSD/USDT", "spot"],
    ["ETHBUSD", "ETH/BUSD", "spot"],
    ["BNBETH", "BNB/ETH", "spot"],
    ["SOLBNB", "SOL/BNB", "spot"],
    ["BTCEUR", "BTC/EUR", "spot"],
    ["BTCTRY", "BTC/TRY", "spot"],
    ["WBTCBTC", "WBTC/BTC", "spot"],
    ["1000PEPEUSDT.P", "1000PEPE/USDT:USDT", "swap"],
    ["USDCUSDT", "USDC/USDT", "spot"],
  ])("%s → %s (%s)", (raw, symbol, market) => {
    expect(normalizeSymbol(raw)).toEqual({ symbol, market });
  });

  it.each([
    "",
    "   ",
    "USDT",
    "BTC",
    "FDUSD",
    "BTCUSD",
    "BTCXYZ",
    "BTC/",
    "/USDT",
    "BTC/USDT/ETH",
    "BTC USDT",
    "BTC-USDT",
    "BTC/USDT:",
    "BTC/USDT:USDT.P",
    "BINANCE:",
    ":BTCUSDT",
    "BINANCE:BTCUSDT:USDT",
    ".P",
    "USDT.P",
    "{{ticker}}",
    "X".repeat(70),
  ])("%j → null", (raw) => {
    expect(normalizeSymbol(raw)).toBeNull();
  });
});

describe("parseSignalBody", () => {
  const parse = (body: unknown) => parseSignalBody(typeof body === "string" ? body : JSON.stringify(body));

  it("normalises a TradingView body and ignores unknown fields", () => {
    const result = parse({
      secret: "s",
      action: " BUY ",
      symbol: "BINANCE:BTCUSDT",
      price: "0042000.50",
      id: "long-1",
      timestamp: "2025-01-31T12:00:00Z",
      max_lag: "60",
      comment: "hi",
      extra: { nested: true },
    });
    expect(result).toEqual({
      ok: true,
      data: {
        secret: "s",
        action: "buy",
        symbol: "BINANCE:BTCUSDT",
        price: "42000.5",
        id: "long-1",
        timestamp: new Date("2025-01-31T12:00:00Z"),
        max_lag: 60,
        comment: "hi",
      },
    });
  });

  it("accepts numeric prices without exponent notation, and numeric ids", () => {
    const result = parse({ action: "sell", symbol: "BTCUSDT", price: 0.0000001, id: 42 });
    expect(result.ok && result.data).toMatchObject({ price: "0.0000001", id: "42" });
  });

  it.each([
    [1738324800, "2025-01-31T12:00:00.000Z"],
    [1738324800123, "2025-01-31T12:00:00.123Z"],
    ["1738324800", "2025-01-31T12:00:00.000Z"],
    ["2025-01-31T12:00:00", "2025-01-31T12:00:00.000Z"],
    ["2025-01-31 13:00:00+01:00", "2025-01-31T12:00:00.000Z"],
    ["2025-01-31T12:00:00.5Z", "2025-01-31T12:00:00.500Z"],
  ])("reads timestamp %j", (timestamp, iso) => {
    const result = parse({ action: "buy", symbol: "BTCUSDT", timestamp });
    expect(result.ok && result.data.timestamp?.toISOString()).toBe(iso);
  });

  it("reports bad JSON", () => {
    const result = parse('{"action": "buy",');
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect(!result.ok && result.message).toMatch(/^Body is not valid JSON: /);
    expect(parse("")).toEqual({ ok: false, status: 400, message: "Body is not valid JSON: the body is empty" });
  });

  it("names each field and what is wrong with it", () => {
    expect(parse({ action: "hold", symbol: "BTCUSDT" })).toEqual({
      ok: false,
      status: 400,
      message: "action: must be one of buy, sell, close, cancel",
    });
    const result = parse({
      symbol: 5,
      price: "-3",
      id: "",
      timestamp: "yesterday",
      max_lag: 0,
      comment: "x".repeat(501),
    });
    expect(result.ok).toBe(false);
    const message = result.ok ? "" : result.message;
    expect(message).toContain("action: is required");
    expect(message).toContain("symbol: must be a string");
    expect(message).toContain("price: must be a positive number such as 42000.5");
    expect(message).toContain("id: must be a string of 1 to 100 characters");
    expect(message).toContain("timestamp: must be ISO 8601");
    expect(message).toContain("max_lag: must be a whole number of seconds from 1 to 86400");
    expect(message).toContain("comment: must be at most 500 characters");
  });

  it.each([
    [{ price: 0 }, "price: must be a positive number"],
    [{ price: "1e5" }, "price: must be a positive number"],
    [{ price: true }, "price: must be a positive number"],
    [{ id: "x".repeat(101) }, "id: must be a string of 1 to 100 characters"],
    [{ max_lag: 86_401 }, "max_lag: must be a whole number"],
    [{ max_lag: 1.5 }, "max_lag: must be a whole number"],
    [{ timestamp: "2025-13-45T99:00:00Z" }, "timestamp: must be ISO 8601"],
    [{ symbol: "  " }, "symbol: must not be empty"],
    [{ secret: 123 }, "secret: must be a string"],
    [{ test_strategy: "nope" }, "test_strategy: must be a strategy id"],
  ])("rejects %j", (patch, message) => {
    const result = parse({ action: "buy", symbol: "BTCUSDT", ...patch });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it("wants a JSON object", () => {
    for (const body of ["[]", "null", '"buy"', "42"]) {
      const result = parseSignalBody(body);
      expect(!result.ok && result.message).toMatch(/^Body must be a JSON object/);
    }
  });
});

describe("secrets and signatures", () => {
  it("generates a secret shown once; a body secret is compared with the signal's key under its scheme", () => {
    const { secret, hash, hint } = generateSignalSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(sha256Hex(secret));
    expect(legacySigningKey(secret)).toBe(hash);
    expect(hint).toBe(secret.slice(-4));
    expect(presentedSecretMatches(secret, secret, "v1")).toBe(true);
    expect(presentedSecretMatches(secret, hash, "legacy")).toBe(true);
    for (const wrong of [`${secret}x`, "", hash]) {
      expect(presentedSecretMatches(wrong, secret, "v1")).toBe(false);
      expect(presentedSecretMatches(wrong, hash, "legacy")).toBe(false);
    }
    expect(presentedSecretMatches(secret, "not-a-hash", "legacy")).toBe(false);
    expect(generateSignalSecret().secret).not.toBe(secret);
  });

  it("signs with the secret itself, as Stripe and GitHub do: what a stock HMAC library computes", () => {
    const secret = "whsec_test_secret";
    const body = '{"action":"buy","symbol":"BTCUSDT"}';
    const expected = createHmac("sha256", secret).update(`1738324800.${body}`).digest("hex");
    expect(computeSignature(body, "1738324800", secret)).toBe(expected);
    expect(signatureHeader(body, "1738324800", secret)).toBe(`t=1738324800,v1=${expected}`);
  });

  it("checks HMAC signatures in both header forms, within ±300 s", () => {
    const { secret: key } = generateSignalSecret();
    const body = '{"action":"buy","symbol":"BTCUSDT"}';
    const now = new Date("2025-01-31T12:00:00Z");
    const ts = String(now.getTime() / 1000);
    const signature = computeSignature(body, ts, key);

    expect(signatureMatches(body, ts, signature, key, now)).toBe(true);
    expect(signatureMatches(body, ts, signature.toUpperCase(), key, now)).toBe(true);
    expect(signatureMatches(body, ts, `sha256=${signature}`, key, now)).toBe(true);
    expect(signatureMatches(`${body} `, ts, signature, key, now)).toBe(false);
    expect(signatureMatches(body, String(Number(ts) + 1), signature, key, now)).toBe(false);
    expect(signatureMatches(body, ts, signature.slice(0, 63), key, now)).toBe(false);
    expect(signatureMatches(body, ts, signature, "other", now)).toBe(false);

    const at = (offset: number) => new Date(now.getTime() + offset * 1000);
    expect(signatureMatches(body, ts, signature, key, at(300))).toBe(true);
    expect(signatureMatches(body, ts, signature, key, at(-300))).toBe(true);
    expect(signatureMatches(body, ts, signature, key, at(301))).toBe(false);
    expect(signatureMatches(body, ts, signature, key, at(-301))).toBe(false);

    // The single header carries its own timestamp; X-Timestamp is then not needed (nor read).
    const stripe = (header: string, timestamp: string | null = null, when = now) =>
      verifySignature({ rawBody: body, timestamp, signature: header, key, now: when });
    expect(stripe(`t=${ts},v1=${signature}`)).toEqual({ ok: true, signature });
    expect(stripe(` t=${ts}, v1=${"0".repeat(64)}, v1=${signature.toUpperCase()} `)).toEqual({ ok: true, signature });
    expect(stripe(`t=${ts},v1=${signature}`, "1")).toEqual({ ok: true, signature });
    expect(stripe(`t=${Number(ts) + 1},v1=${signature}`)).toMatchObject({ ok: false });
    expect(stripe(`t=${ts},v0=${signature}`)).toMatchObject({ ok: false });
    expect(stripe(`t=${ts},v1=${signature}`, null, at(301))).toMatchObject({ ok: false, message: expect.stringContaining("301 s away") });
    expect(stripe(`v1=${signature},t=`)).toMatchObject({ ok: false, message: expect.stringContaining("needs t=") });
  });

  it("says which part of a signature is wrong", () => {
    const now = new Date("2025-01-31T12:00:00Z");
    const check = (timestamp: string | null, signature = "00") =>
      verifySignature({ rawBody: "{}", timestamp, signature, key: "secret", now });
    expect(check(null)).toMatchObject({ ok: false, message: expect.stringContaining("X-Timestamp header is required") });
    expect(check("2025-01-31T12:00:00Z")).toMatchObject({ ok: false, message: expect.stringContaining("whole seconds") });
    expect(check("1738324000")).toMatchObject({ ok: false, message: expect.stringContaining("800 s away") });
    expect(check("1738324800")).toMatchObject({ ok: false, message: expect.stringContaining("X-Signature does not match") });
  });
});

describe("TradingView template", () => {
  it("fills in the secret and TradingView placeholders", () => {
    const text = tradingViewTemplate("btc-trend", "s3cret");
    expect(text).toBe(
      '{"secret":"s3cret","action":"{{strategy.order.action}}","symbol":"{{ticker}}","price":"{{close}}","id":"{{strategy.order.id}}-{{timenow}}","timestamp":"{{timenow}}","max_lag":60}',
    );
    expect(JSON.parse(tradingViewTemplate("btc-trend"))).toMatchObject({ secret: "YOUR_SECRET" });
  });

  it("parses as a valid body once TradingView fills it in", () => {
    const filled = tradingViewTemplate("x", "s")
      .replace("{{strategy.order.action}}", "buy")
      .replace("{{ticker}}", "BTCUSDT")
      .replace("{{close}}", "42000.5")
      .replace("{{strategy.order.id}}", "Long")
      .replaceAll("{{timenow}}", "2025-01-31T12:00:00Z");
    expect(parseSignalBody(filled)).toMatchObject({ ok: true, data: { action: "buy", id: "Long-2025-01-31T12:00:00Z" } });
  });

  it("builds the webhook URL", () => {
    expect(webhookUrl("https://trade.example.com/", "btc trend")).toBe(
      "https://trade.example.com/api/webhooks/signals/btc%20trend",
    );
  });
});

describe("OpenAPI document", () => {
  it("describes the webhook from the zod schema, health and the cron routes", () => {
    const doc = buildOpenApiDocument() as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    const post = doc.paths["/api/webhooks/signals/{name}"]!.post!;
    expect(Object.keys(post.requestBody!.content)).toEqual(["application/json", "text/plain"]);
    const schema = post.requestBody!.content["application/json"]!.schema as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["secret", "action", "symbol", "price", "id", "timestamp", "max_lag", "comment"]),
    );
    expect(schema.properties).not.toHaveProperty("test_strategy");
    expect(schema.required).toEqual(expect.arrayContaining(["action", "symbol"]));
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(["202", "400", "401", "403", "413", "415", "422", "429"]),
    );
    // An unknown name is answered as a wrong secret, so there is no 404 to document.
    expect(post.responses).not.toHaveProperty("404");
    expect(doc.paths["/api/health"]!.get).toBeDefined();
    expect(doc.paths["/api/cron/drain"]!.post!.responses).toHaveProperty("401");
    expect(doc.paths["/api/cron/monitor"]!.post).toBeDefined();
    for (const cron of ["/api/cron/notify", "/api/cron/ai"]) expect(doc.paths[cron]!.get!.responses).toHaveProperty("401");
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe("bad input that must not reach the database", () => {
  it("refuses NUL characters and impossible timestamps as 400", () => {
    const withNul = parseSignalBody(JSON.stringify({ action: "buy", symbol: "BTCUSDT", comment: "a\u0000b" }));
    expect(withNul).toMatchObject({ ok: false, status: 400 });
    const farFuture = parseSignalBody(JSON.stringify({ action: "buy", symbol: "BTCUSDT", timestamp: 1e20 }));
    expect(farFuture).toMatchObject({ ok: false, status: 400 });
  });
});
