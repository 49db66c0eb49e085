import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";
import { ensureLocalSecrets } from "@/lib/env/local-secrets.mjs";

const secret = "x".repeat(40);
const vars = (values: Record<string, string>) => values as unknown as NodeJS.ProcessEnv;

describe("parseEnv", () => {
  it("accepts a minimal embedded-default configuration", () => {
    const env = parseEnv(vars({ AUTH_SECRET: secret, ENCRYPTION_KEY: secret }));
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGLITE_DIR).toBe(".data/pglite");
    expect(env.AUTO_APPROVE_TRADERS).toBe(false);
  });

  it("names the variable at fault", () => {
    expect(() => parseEnv(vars({ AUTH_SECRET: "short", ENCRYPTION_KEY: secret }))).toThrowError(
      /AUTH_SECRET: must be at least 32 characters/,
    );
    expect(() =>
      parseEnv(vars({ AUTH_SECRET: secret, ENCRYPTION_KEY: secret, DATABASE_URL: "mysql://x" })),
    ).toThrowError(EnvError);
  });

  it("reads AUTO_APPROVE_TRADERS as a boolean", () => {
    const env = parseEnv(vars({ AUTH_SECRET: secret, ENCRYPTION_KEY: secret, AUTO_APPROVE_TRADERS: "true" }));
    expect(env.AUTO_APPROVE_TRADERS).toBe(true);
  });

  it("drains after ingest unless DRAIN_ON_INGEST says false", () => {
    const base = { AUTH_SECRET: secret, ENCRYPTION_KEY: secret };
    expect(parseEnv(vars(base)).DRAIN_ON_INGEST).toBe(true);
    expect(parseEnv(vars({ ...base, DRAIN_ON_INGEST: "" })).DRAIN_ON_INGEST).toBe(true);
    expect(parseEnv(vars({ ...base, DRAIN_ON_INGEST: "false" })).DRAIN_ON_INGEST).toBe(false);
    expect(parseEnv(vars({ ...base, DRAIN_ON_INGEST: "0" })).DRAIN_ON_INGEST).toBe(false);
    expect(() => parseEnv(vars({ ...base, DRAIN_ON_INGEST: "no" }))).toThrowError(/DRAIN_ON_INGEST/);
  });
});

describe("ensureLocalSecrets", () => {
  it("generates secrets once and reuses them", () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "sb-secrets-"));
    const first: NodeJS.ProcessEnv = { NODE_ENV: "development" };
    expect(ensureLocalSecrets({ env: first, cwd })).toEqual(["AUTH_SECRET", "ENCRYPTION_KEY"]);
    expect(first.AUTH_SECRET?.length).toBeGreaterThanOrEqual(32);
    const second: NodeJS.ProcessEnv = { NODE_ENV: "development" };
    ensureLocalSecrets({ env: second, cwd });
    expect(second.AUTH_SECRET).toBe(first.AUTH_SECRET);
    expect(second.ENCRYPTION_KEY).toBe(first.ENCRYPTION_KEY);
    const mode = fs.statSync(path.join(cwd, ".data", "secrets.json")).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it("refuses to generate secrets in production with a real database", () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "sb-secrets-"));
    const env: NodeJS.ProcessEnv = { NODE_ENV: "production", DATABASE_URL: "postgres://db/app" };
    expect(() => ensureLocalSecrets({ env, cwd })).toThrowError(/Missing required environment variables: AUTH_SECRET, ENCRYPTION_KEY/);
    expect(fs.existsSync(path.join(cwd, ".data"))).toBe(false);
  });
});
