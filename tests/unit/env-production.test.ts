import { describe, expect, it } from "vitest";
import { appOrigin, EnvError, parseEnv } from "@/lib/env";

const secret = "x".repeat(40);
const production = (values: Record<string, string> = {}) =>
  ({
    NODE_ENV: "production",
    AUTH_SECRET: secret,
    ENCRYPTION_KEY: secret,
    APP_URL: "https://trade.example.com",
    RESEND_API_KEY: "re_test_key",
    TRUSTED_PROXY_HOPS: "1",
    ...values,
  }) as unknown as NodeJS.ProcessEnv;

function problems(source: NodeJS.ProcessEnv): string[] {
  try {
    parseEnv(source);
    return [];
  } catch (error) {
    if (error instanceof EnvError) return error.issues;
    throw error;
  }
}

describe("production refuses to start misconfigured", () => {
  it("accepts a complete production configuration", () => {
    expect(problems(production())).toEqual([]);
  });

  it("requires APP_URL (or AUTH_URL): links are never built from request headers", () => {
    expect(problems(production({ APP_URL: "" }))).toEqual([expect.stringMatching(/^APP_URL: required in production/)]);
    expect(problems(production({ APP_URL: "", AUTH_URL: "https://trade.example.com/api/auth" }))).toEqual([]);
    expect(appOrigin(parseEnv(production({ APP_URL: "", AUTH_URL: "https://trade.example.com/api/auth" })))).toBe("https://trade.example.com");
  });

  it("requires an email service unless EMAIL_DISABLED=true says otherwise knowingly", () => {
    expect(problems(production({ RESEND_API_KEY: "" }))).toEqual([expect.stringMatching(/^RESEND_API_KEY: .*EMAIL_DISABLED=true/)]);
    expect(problems(production({ RESEND_API_KEY: "", EMAIL_DISABLED: "true" }))).toEqual([]);
    // DEV_MAILBOX alone is not an email service.
    expect(problems(production({ RESEND_API_KEY: "", DEV_MAILBOX: "true" }))).toHaveLength(1);
  });

  it("refuses EXCHANGE_API_OVERRIDE unless ALLOW_EXCHANGE_OVERRIDE_IN_PRODUCTION=true (the e2e simulator)", () => {
    const override = { EXCHANGE_API_OVERRIDE: "http://127.0.0.1:9400" };
    expect(problems(production(override))).toEqual([expect.stringMatching(/^EXCHANGE_API_OVERRIDE: refused in production/)]);
    expect(problems(production({ ...override, ALLOW_EXCHANGE_OVERRIDE_IN_PRODUCTION: "true" }))).toEqual([]);
  });

  it("requires TRUSTED_PROXY_HOPS (0 or more) unless on Vercel: otherwise no client address is known", () => {
    expect(problems(production({ TRUSTED_PROXY_HOPS: "" }))).toEqual([expect.stringMatching(/^TRUSTED_PROXY_HOPS: required in production.*0 when clients connect directly/)]);
    expect(problems(production({ TRUSTED_PROXY_HOPS: "0" }))).toEqual([]);
    expect(problems(production({ TRUSTED_PROXY_HOPS: "vercel" }))).toEqual([]);
    expect(problems(production({ TRUSTED_PROXY_HOPS: "", VERCEL: "1" }))).toEqual([]);
  });

  it("names every problem at once, and exempts `next build` and development", () => {
    const bare = production({ APP_URL: "", RESEND_API_KEY: "", EXCHANGE_API_OVERRIDE: "http://127.0.0.1:9400", TRUSTED_PROXY_HOPS: "" });
    expect(problems(bare)).toHaveLength(4);
    expect(problems({ ...bare, NEXT_PHASE: "phase-production-build" })).toEqual([]);
    expect(problems({ ...bare, NODE_ENV: "development" })).toEqual([]);
  });

  it("reads TRUSTED_PROXY_HOPS as a number or \"vercel\"", () => {
    expect(parseEnv(production({ TRUSTED_PROXY_HOPS: "2" })).TRUSTED_PROXY_HOPS).toBe(2);
    expect(parseEnv(production({ TRUSTED_PROXY_HOPS: "vercel" })).TRUSTED_PROXY_HOPS).toBe("vercel");
    expect(problems(production({ TRUSTED_PROXY_HOPS: "-1" }))).toHaveLength(1);
  });
});
