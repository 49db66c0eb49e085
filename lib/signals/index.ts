// Server-side API of signals. Client components import `@/lib/signals/template` (or `/symbols`) directly:
// this index pulls in the database and node:crypto.
export {
  SIGNATURE_WINDOW_SECONDS,
  computeSignature,
  generateSignalSecret,
  legacySigningKey,
  presentedSecretMatches,
  sha256Hex,
  signatureHeader,
  signatureMatches,
  verifySignature,
  type SignatureCheck,
} from "./secrets";
export { KNOWN_QUOTES, normalizeSymbol, type MarketType, type NormalizedSymbol } from "./symbols";
export {
  SIGNAL_ACTIONS,
  describeIssues,
  parseSignalBody,
  signalBodySchema,
  signalPayloadSchema,
  type ParseSignalResult,
  type SignalPayload,
} from "./payload";
export {
  BODY_DEDUPE_WINDOW_MS,
  MAX_SIGNAL_BODY_BYTES,
  idempotencyKeys,
  ingestSignal,
  type IngestInput,
  type IngestResult,
  type RateLimitCheck,
} from "./ingest";
export { buildOpenApiDocument, signalPayloadJsonSchema } from "./openapi";
export { WEBHOOK_PATH, tradingViewTemplate, webhookUrl } from "./template";
export { readTextCapped } from "./http";
