import { z } from "zod";
import pkg from "@/package.json";
import { webhookCodeSamples } from "./code-samples";
import { SIGNATURE_WINDOW_SECONDS } from "./secrets";
import { signalPayloadSchema } from "./payload";

type Json = Record<string, unknown>;

const ERROR_CODES = [
  "bad_request",
  "unauthorized",
  "disabled",
  "method_not_allowed",
  "payload_too_large",
  "unsupported_media_type",
  "stale",
  "rate_limited",
  "internal",
  "unavailable",
  "not_configured",
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description: string) => ({ description, content: { "application/json": { schema } } });
const errorResponse = (description: string) => json(ref("Error"), description);

/** The JSON Schema of the webhook body, as senders write it (strings for numbers are accepted). */
export function signalPayloadJsonSchema(): Json {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(signalPayloadSchema, { io: "input" }) as Json;
  return { ...schema, additionalProperties: true, description: "Unknown fields are ignored." };
}

const cronPath = (summary: string, operationId: string) => {
  const operation = (method: "get" | "post") => ({
    summary: `${summary} (Vercel Cron sends GET; POST works the same)`,
    operationId: `${method}${operationId}`,
    tags: ["cron"],
    security: [{ cronSecret: [] }],
    responses: {
      "200": json(ref("CronResult"), "The job ran."),
      "401": errorResponse("Missing or wrong bearer token."),
      "503": errorResponse("CRON_SECRET is not set on the server (code not_configured)."),
    },
  });
  return { get: operation("get"), post: operation("post") };
};

const EXAMPLE_WEBHOOK = "https://trade.example.com/api/webhooks/signals/btc-trend";

/** OpenAPI 3.1 description of the public HTTP API: the signal webhook, health and the cron routes. */
export function buildOpenApiDocument(opts: { exampleUrl?: string } = {}): Json {
  const payload = signalPayloadJsonSchema();
  return {
    openapi: "3.1.0",
    info: {
      title: "SignalBridge API",
      version: pkg.version,
      description:
        "Signal sources (TradingView alerts, scripts) POST to a named webhook. Authenticate with the signal's secret in the body, or sign the request as Stripe and GitHub webhooks are signed: `X-Signature: t=<unix seconds>,v1=hex(HMAC-SHA256(secret, t + \".\" + raw body))`.",
    },
    tags: [
      { name: "signals", description: "Signal webhooks" },
      { name: "health", description: "Liveness and database check" },
      { name: "cron", description: "Scheduled jobs, protected by CRON_SECRET" },
    ],
    paths: {
      "/api/webhooks/signals/{name}": {
        post: {
          summary: "Deliver a signal",
          operationId: "postSignal",
          tags: ["signals"],
          description: [
            "Accepts one signal and queues it for execution. A repeated `id` (without an id: a replay of the same signed request while its signature is valid, or an identical unsigned body within 60 s) is answered 202 with `duplicate: true` and the original event id, and is not executed again. Bodies are limited to 16384 bytes.",
            `Signing: the HMAC-SHA256 key is the signal's secret (the text shown once when it was created or rotated), the message is the timestamp, a dot and the raw body, and the timestamp must be within ±${SIGNATURE_WINDOW_SECONDS} s of the server clock. Send \`X-Signature: t=<unix seconds>,v1=<hex>\`, or \`X-Signature: <hex>\` with \`X-Timestamp: <unix seconds>\`. Several v1 entries may be sent while a sender changes secrets.`,
            "Signals created before this convention (their page says \"legacy signing\") use sha256(secret) in lowercase hex as the key instead, until their secret is rotated.",
            "An unknown or disabled signal name is answered exactly as a wrong secret (401), and each client address may send a limited number of requests a minute (429) before anything is authenticated.",
          ].join("\n\n"),
          parameters: [
            { name: "name", in: "path", required: true, description: "The signal's name.", schema: { type: "string" } },
            {
              name: "X-Signature",
              in: "header",
              required: false,
              description:
                '`t=<unix seconds>,v1=<hex>`, where hex = hex(HMAC-SHA256(secret, t + "." + raw body)); or the hex digest alone (optionally `sha256=` before it) with X-Timestamp. When present, the body\'s `secret` is not needed.',
              schema: { type: "string", examples: ["t=1735689600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"] },
            },
            {
              name: "X-Timestamp",
              in: "header",
              required: false,
              description: `Unix time in seconds, with a bare-hex X-Signature (the t= form carries its own); valid within ±${SIGNATURE_WINDOW_SECONDS} s of the server clock.`,
              schema: { type: "string", pattern: "^\\d+$" },
            },
          ],
          "x-codeSamples": webhookCodeSamples(opts.exampleUrl ?? EXAMPLE_WEBHOOK),
          requestBody: {
            required: true,
            description: "JSON; TradingView sends it as text/plain, which is read as JSON too.",
            content: {
              "application/json": { schema: payload },
              "text/plain": { schema: payload },
            },
          },
          responses: {
            "202": json(
              { oneOf: [ref("SignalAccepted"), ref("SignalDuplicate")] },
              "Accepted and queued, or a duplicate of an earlier delivery.",
            ),
            "400": errorResponse("The body is not JSON, a field is invalid (the message names each), or the symbol is unknown."),
            "401": errorResponse(
              "Wrong or missing secret, a bad signature or timestamp, or no enabled signal of this name: all answered alike.",
            ),
            "403": errorResponse("The secret is right but the signal is disabled (code disabled); nothing was accepted."),
            "405": errorResponse("Only POST is allowed."),
            "413": errorResponse("The body is larger than 16384 bytes."),
            "415": errorResponse("Content-Type is neither application/json nor text/plain."),
            "422": errorResponse("Stale: `timestamp` is more than `max_lag` seconds old (code stale)."),
            "429": {
              description: "Too many requests from this address, or too many signals for this name, in the last minute.",
              headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } },
              content: { "application/json": { schema: ref("RateLimited") } },
            },
            "500": errorResponse("A server fault."),
            "503": errorResponse("The queue is unavailable; the signal was not accepted."),
          },
        },
      },
      "/api/health": {
        get: {
          summary: "Health and database check",
          operationId: "getHealth",
          tags: ["health"],
          responses: {
            "200": json(ref("Health"), "The app and its database are up."),
            "503": json(ref("HealthDegraded"), "The database is unavailable."),
          },
        },
      },
      "/api/cron/drain": cronPath("Drain the signal queue", "CronDrain"),
      "/api/cron/monitor": cronPath("Order monitor: fills, lost answers, protection and stops", "CronMonitorOrders"),
      "/api/cron/reconcile": cronPath("Position reconciliation: booked positions against the venue (reports, never trades)", "CronReconcilePositions"),
      "/api/cron/notify": cronPath("Notification drain: deliver the outbox by email and Telegram, with retries", "CronNotify"),
      "/api/cron/ai": cronPath("AI signal sources: run the sources that are due", "CronAiSources"),
    },
    components: {
      securitySchemes: {
        cronSecret: { type: "http", scheme: "bearer", description: "Authorization: Bearer <CRON_SECRET>" },
      },
      schemas: {
        SignalPayload: payload,
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", examples: ERROR_CODES },
                message: { type: "string", description: "What is wrong and what to do about it." },
              },
            },
          },
        },
        RateLimited: {
          allOf: [
            ref("Error"),
            { type: "object", required: ["retryAfter"], properties: { retryAfter: { type: "integer", minimum: 1 } } },
          ],
        },
        SignalAccepted: {
          type: "object",
          required: ["accepted", "duplicate", "eventId"],
          properties: {
            accepted: { const: true },
            duplicate: { const: false },
            eventId: { type: "string", format: "uuid" },
          },
        },
        SignalDuplicate: {
          type: "object",
          required: ["duplicate", "eventId"],
          properties: {
            duplicate: { const: true },
            eventId: { type: "string", format: "uuid", description: "The original event's id." },
          },
        },
        Health: {
          type: "object",
          required: ["status", "version", "database"],
          properties: {
            status: { const: "ok" },
            version: { type: "string" },
            database: {
              type: "object",
              required: ["status", "driver", "latencyMs"],
              properties: {
                status: { const: "ok" },
                driver: { enum: ["postgres", "pglite"] },
                latencyMs: { type: "integer", minimum: 0 },
              },
            },
          },
        },
        HealthDegraded: {
          type: "object",
          required: ["status", "version", "database"],
          properties: {
            status: { const: "degraded" },
            version: { type: "string" },
            database: { type: "object", required: ["status"], properties: { status: { const: "unavailable" } } },
          },
        },
        CronResult: {
          type: "object",
          required: ["ok", "processed"],
          properties: { ok: { const: true }, processed: { type: "integer", minimum: 0 } },
        },
      },
    },
  };
}
