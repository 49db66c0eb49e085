import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One email as the capture server received it (Resend's JSON body, snake_case as sent). */
export interface CapturedEmail {
  from: string;
  to: string | string[];
  subject: string;
  html?: string;
  text?: string;
  /** The whole JSON body. */
  body: Record<string, unknown>;
  authorization: string | null;
  userAgent: string | null;
  /** The `Idempotency-Key` header, when the client sent one. */
  idempotencyKey: string | null;
}

export interface EmailCapture {
  /** Base URL for RESEND_BASE_URL / `new Resend(key, { baseUrl })`. */
  url: string;
  emails: CapturedEmail[];
  /** Makes the next POST /emails fail with this Resend-style error. */
  failNext(error: { status: number; name: string; message: string }): void;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A local stand-in for Resend's API: `POST /emails` with `Authorization: Bearer <apiKey>` and a JSON
 * body is stored and answered `{ id }`; a missing or wrong key gets Resend's 401/403 error shape.
 */
export async function startEmailCapture({ apiKey }: { apiKey: string }): Promise<EmailCapture> {
  const emails: CapturedEmail[] = [];
  let pendingFailure: { status: number; name: string; message: string } | undefined;
  let counter = 0;
  // As Resend does: a second POST with a key already seen is answered with the first id, not sent again.
  const byIdempotencyKey = new Map<string, string>();

  const server = createServer(async (req, res) => {
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const raw = await readBody(req);
    if (req.method !== "POST" || req.url !== "/emails") {
      return reply(404, { statusCode: 404, name: "not_found", message: "The requested endpoint does not exist." });
    }
    const authorization = req.headers.authorization ?? null;
    if (!authorization?.startsWith("Bearer ")) {
      return reply(401, { statusCode: 401, name: "missing_api_key", message: "Missing API key in the authorization header." });
    }
    if (authorization !== `Bearer ${apiKey}`) {
      return reply(403, { statusCode: 403, name: "invalid_api_key", message: "API key is invalid" });
    }
    if (pendingFailure) {
      const failure = pendingFailure;
      pendingFailure = undefined;
      return reply(failure.status, { statusCode: failure.status, name: failure.name, message: failure.message });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return reply(422, { statusCode: 422, name: "validation_error", message: "Invalid JSON body." });
    }
    const idempotencyKey = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : null;
    const seen = idempotencyKey ? byIdempotencyKey.get(idempotencyKey) : undefined;
    if (seen) return reply(200, { id: seen });
    const { from, to, subject } = body;
    if (typeof from !== "string" || typeof subject !== "string" || !(typeof to === "string" || Array.isArray(to))) {
      return reply(422, { statusCode: 422, name: "validation_error", message: "Missing `from`, `to` or `subject`." });
    }
    emails.push({
      from,
      to: to as string | string[],
      subject,
      html: typeof body.html === "string" ? body.html : undefined,
      text: typeof body.text === "string" ? body.text : undefined,
      body,
      authorization,
      userAgent: req.headers["user-agent"] ?? null,
      idempotencyKey,
    });
    counter += 1;
    if (idempotencyKey) byIdempotencyKey.set(idempotencyKey, `captured-${counter}`);
    return reply(200, { id: `captured-${counter}` });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    emails,
    failNext(error) {
      pendingFailure = error;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
