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
  AUTH_ACCOUNT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  AUTH_DEVICE_EMAILS_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(10),
  // Read again (edge-safe) by lib/auth/session-limits.ts; validated here so a typo fails at start.
  SESSION_IDLE_MINUTES: z.coerce.number().positive().max(24 * 60).default(30),
  SESSION_MAX_HOURS: z.coerce.number().positive().max(24 * 365).default(12),
  SESSION_REMEMBER_DAYS: z.coerce.number().positive().max(365).default(30),
  OUTBOUND_IPS: z.string().optional(),
  CRON_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  INPROCESS_CRON: boolFlag,
  // "false": the webhook only stores and enqueues; a worker (the cron drain or INPROCESS_CRON) executes.
  DRAIN_ON_INGEST: z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((v) => v !== "false" && v !== "0"),
  NOTIFY_GROUP_WINDOW_MS: z.coerce.number().int().min(0).max(10 * 60_000).default(10_000),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SIGNAL_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  SIGNAL_IP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  UPSTASH_REDIS_REST_URL: z.url("must be the REST URL of your Upstash database").optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  EXCHANGE_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  // Which outbound address this server calls exchanges from: servers sharing one address share one budget.
  EXCHANGE_EGRESS_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be a name of letters, digits, '.', '_' or '-' (at most 64)")
    .default("default"),
  EXCHANGE_API_OVERRIDE: z.url("must be a URL such as http://127.0.0.1:9400").optional(),
  PAPER_FEE_RATE: z.string().regex(/^0(\.\d+)?$/, "must be a fraction such as 0.001").default("0.001"),
  // Where paper accounts get prices: "auto" = Binance's public ticker when reachable, else a simulated walk.
  PAPER_PRICE_FEED: z.enum(["auto", "live", "simulated"]).default("auto"),
  PAPER_SLIPPAGE_BPS: z.string().regex(/^\d+(\.\d+)?$/, "must be a number of basis points such as 5").default("5"),
  APP_URL: z.url("must be a full URL such as https://trade.example.com").optional(),
  AUTH_URL: z.url("must be a full URL such as https://trade.example.com").optional(),
  // "vercel" trusts Vercel's own x-real-ip; a number trusts that many proxies' X-Forwarded-For entries.
  TRUSTED_PROXY_HOPS: z.union([z.literal("vercel"), z.coerce.number().int().min(0).max(10)]).optional(),
  RESEND_API_KEY: z.string().min(1).optional(),
  EMAIL_DISABLED: boolFlag,
  DEV_MAILBOX: boolFlag,
  ADMIN_EMAIL: z.email("must be an email address").optional(),
  ALLOW_EXCHANGE_OVERRIDE_IN_PRODUCTION: boolFlag,
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "must be the token @BotFather gave you, like 123456789:AA...").optional(),
  TELEGRAM_BOT_USERNAME: z
    .string()
    .regex(/^@?[A-Za-z][A-Za-z0-9_]{3,31}$/, "must be the bot's username, e.g. SignalBridgeBot")
    .transform((v) => v.replace(/^@/, ""))
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 characters of letters, digits, '_' or '-' (Telegram's secret_token alphabet)")
    .optional(),
  TELEGRAM_API_BASE: z.url("must be a URL such as https://api.telegram.org").default("https://api.telegram.org"),
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
  const problems = productionProblems(result.data, source);
  if (problems.length > 0) throw new EnvError(problems);
  return result.data;
}

/**
 * What a production server refuses to start without. `next build` also runs with NODE_ENV=production
 * but serves nobody, so it is exempt: the same build is configured where it runs.
 */
function productionProblems(e: Env, source: NodeJS.ProcessEnv): string[] {
  if (e.NODE_ENV !== "production" || source.NEXT_PHASE === "phase-production-build") return [];
  const problems: string[] = [];
  if (!e.APP_URL && !e.AUTH_URL) {
    problems.push("APP_URL: required in production (the public URL, e.g. https://trade.example.com); links in emails are never built from request headers");
  }
  if (!e.RESEND_API_KEY && !e.EMAIL_DISABLED) {
    problems.push("RESEND_API_KEY: required in production to send email; set EMAIL_DISABLED=true to run knowingly without it (no verification, device or reset email is delivered)");
  }
  if (e.TRUSTED_PROXY_HOPS === undefined && !source.VERCEL) {
    problems.push(
      "TRUSTED_PROXY_HOPS: required in production (not on Vercel): the number of reverse proxies in front of the app that append to X-Forwarded-For, e.g. 1 behind one nginx, Caddy or load balancer, or 0 when clients connect directly (then every client shares one sign-in and webhook limit per minute); without it no client address is known",
    );
  }
  if (e.EXCHANGE_API_OVERRIDE && !e.ALLOW_EXCHANGE_OVERRIDE_IN_PRODUCTION) {
    problems.push("EXCHANGE_API_OVERRIDE: refused in production (every exchange call would go to that URL); it is for tests with the local simulator");
  }
  return problems;
}

/** The app's public origin for links (emails, webhook URLs); never taken from a request's headers. */
export function appOrigin(e: Env = env()): string {
  const configured = e.APP_URL ?? e.AUTH_URL;
  // Outside production only: production refuses to start without one of them (productionProblems).
  return configured ? new URL(configured).origin : "http://localhost:3000";
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
