import { z } from "zod";
import { ensureLocalSecrets } from "./local-secrets.mjs";

const boolFlag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL")
    .optional(),
  PGLITE_DIR: z.string().min(1).default(".data/pglite"),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (try `openssl rand -base64 32`)"),
  ENCRYPTION_KEY: z.string().min(32, "must be at least 32 characters (try `openssl rand -base64 32`)"),
  ENCRYPTION_KEY_VERSION: z.coerce.number().int().min(1).max(32000).default(1),
  ENCRYPTION_KEYS_PREVIOUS: z
    .string()
    .regex(/^\d+:[^,]{32,}(,\d+:[^,]{32,})*$/, "must look like 1:old-key,2:older-key (each key 32+ characters)")
    .optional(),
  AUTO_APPROVE_TRADERS: boolFlag,
  LOGIN_LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  OUTBOUND_IPS: z.string().optional(),
  CRON_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  INPROCESS_CRON: boolFlag,
  SIGNAL_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  UPSTASH_REDIS_REST_URL: z.url("must be the REST URL of your Upstash database").optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  EXCHANGE_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  EXCHANGE_API_OVERRIDE: z.url("must be a URL such as http://127.0.0.1:9400").optional(),
  PAPER_FEE_RATE: z.string().regex(/^0(\.\d+)?$/, "must be a fraction such as 0.001").default("0.001"),
  // Where paper accounts get prices: "auto" = Binance's public ticker when reachable, else a simulated walk.
  PAPER_PRICE_FEED: z.enum(["auto", "live", "simulated"]).default("auto"),
  PAPER_SLIPPAGE_BPS: z.string().regex(/^\d+(\.\d+)?$/, "must be a number of basis points such as 5").default("5"),
  APP_URL: z.url("must be a full URL such as https://trade.example.com").optional(),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid environment configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}\nSee .env.example.`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".") || "env"}: ${issue.message}`));
  }
  return result.data;
}

let cached: Env | undefined;

/** Reads and validates the environment once; fails fast naming the variable at fault. */
export function env(): Env {
  if (!cached) {
    ensureLocalSecrets();
    cached = parseEnv(process.env);
  }
  return cached;
}

export function resetEnvForTests() {
  cached = undefined;
}
