import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino, { type DestinationStream, type Logger } from "pino";
import { env } from "@/lib/env";
import { describeError } from "@/lib/log";

export type { Logger } from "pino";

/** Ids that every line logged inside a request, a cron run or an event's processing carries. */
export interface LogContext {
  requestId?: string;
  userId?: string;
  eventId?: string;
  job?: string;
}

// Field names whose value is never logged, wherever they sit (top level or up to two levels down):
// exchange keys, signal secrets and bodies, passwords, tokens, authorization and signature headers.
const SECRET_FIELDS = [
  "apiKey",
  "api_key",
  "apiSecret",
  "secret",
  "secretKey",
  "passphrase",
  "password",
  "passwordHash",
  "privateKey",
  "token",
  "accessToken",
  "refreshToken",
  "authorization",
  "cookie",
  "signature",
  "body",
  "rawBody",
  "payload",
  "credentials",
  "totpSecret",
  "code",
];

const HEADER_FIELDS = ['"x-signature"', '"x-api-key"', '"x-mbx-apikey"', '"set-cookie"'];

export const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  ...HEADER_FIELDS.flatMap((key) => [`headers[${key}]`, `*.headers[${key}]`]),
];

const context = new AsyncLocalStorage<LogContext>();

function level(): pino.LevelWithSilent {
  try {
    return env().LOG_LEVEL;
  } catch {
    // The logger must still work while the environment is being rejected (that is what it reports).
    return "info";
  }
}

/** A JSON logger with the app's redaction; tests pass a stream to read every line. */
export function createLogger(destination?: DestinationStream): Logger {
  return pino(
    {
      level: level(),
      base: { app: "signalbridge" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      // An error's message only, through describeError: a query error's message carries its parameters.
      serializers: { err: (error: unknown) => ({ type: error instanceof Error ? error.name : typeof error, message: describeError(error) }) },
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => ({ ...context.getStore() }),
    },
    destination,
  );
}

// Next.js may evaluate this module in several bundles: one root logger per process.
const globalForLog = globalThis as unknown as { __sbLog?: Logger };

/** The process's logger; `bindings` make a child (an order id, an account id). */
export function log(bindings?: Record<string, unknown>): Logger {
  globalForLog.__sbLog ??= createLogger();
  return bindings ? globalForLog.__sbLog.child(bindings) : globalForLog.__sbLog;
}

/** Tests route every line to their own stream (undefined restores stdout). */
export function setLoggerForTests(logger: Logger | undefined) {
  globalForLog.__sbLog = logger;
}

/** Runs `fn` with ids every line logged inside it carries (nested contexts add to the outer one). */
export function withLogContext<T>(ids: LogContext, fn: () => T): T {
  return context.run({ ...context.getStore(), ...ids }, fn);
}

/** The request id a proxy gave (X-Request-Id, Vercel's id), else a fresh one. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id") ?? request.headers.get("x-vercel-id");
  return given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}
