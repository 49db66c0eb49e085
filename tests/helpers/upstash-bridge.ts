import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A test fixture speaking the Upstash REST protocol (`/`, `/pipeline`, `/multi-exec`, base64 responses)
 * in front of a real Redis, over RESP2 on a few plain TCP connections.
 */

class RespError extends Error {}
type Reply = string | Buffer | number | null | RespError | Reply[];
type Parsed = { value: Reply; end: number } | undefined;

const CRLF = "\r\n";

function parseReply(buf: Buffer, start: number): Parsed {
  const eol = buf.indexOf(CRLF, start);
  if (eol < 0) return undefined;
  const line = buf.toString("utf8", start + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[start]!)) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new RespError(line), end: next };
    case ":":
      return { value: Number(line), end: next };
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return undefined;
      return { value: buf.subarray(next, next + len), end: next + len + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: Reply[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at);
        if (!item) return undefined;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`unexpected RESP type byte ${buf[start]}`);
  }
}

function encodeCommand(args: string[]): Buffer {
  const parts = [`*${args.length}${CRLF}`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}${CRLF}${arg}${CRLF}`);
  return Buffer.from(parts.join(""));
}

/** One RESP connection; replies arrive in command order, so a FIFO of waiters matches them up. */
class RedisConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("Redis connection closed")));
  }

  static open(host: string, port: number): Promise<RedisConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RedisConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Writes all commands in one go, so a MULTI ... EXEC block is never interleaved with other requests. */
  send(commands: string[][]): Promise<Reply[]> {
    if (this.failure) return Promise.reject(this.failure);
    const replies = commands.map(
      () => new Promise<Reply>((resolve, reject) => this.waiting.push({ resolve, reject })),
    );
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  close() {
    this.failure ??= new Error("Redis connection closed");
    this.socket.destroy();
  }

  private onData(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const parsed = at < this.buffer.length ? parseReply(this.buffer, at) : undefined;
      if (!parsed) break;
      at = parsed.end;
      this.waiting.shift()?.resolve(parsed.value);
    }
    this.buffer = this.buffer.subarray(at);
  }

  private fail(error: Error) {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}

/** Upstash's JSON shape: strings (base64 when asked), integers and null as they are. */
function toJson(reply: Reply, base64: boolean): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (reply instanceof RespError) return reply.message;
  if (Array.isArray(reply)) return reply.map((r) => toJson(r, base64));
  const bytes = typeof reply === "string" ? Buffer.from(reply) : reply;
  return base64 ? bytes.toString("base64") : bytes.toString("utf8");
}

const entry = (reply: Reply, base64: boolean) =>
  reply instanceof RespError ? { error: reply.message } : { result: toJson(reply, base64) };

function asCommand(body: unknown): string[] {
  if (!Array.isArray(body) || body.length === 0) throw new Error("a command is a non-empty JSON array");
  return body.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg)));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export interface UpstashBridge {
  url: string;
  token: string;
  /** FLUSHDB on the bridge's Redis database. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export async function startUpstashBridge(
  opts: { redisHost?: string; redisPort?: number; db?: number; connections?: number } = {},
): Promise<UpstashBridge> {
  const host = opts.redisHost ?? "127.0.0.1";
  const db = String(opts.db ?? 0);
  const connections = await Promise.all(
    Array.from({ length: opts.connections ?? 4 }, () => RedisConnection.open(host, opts.redisPort ?? 6379)),
  );
  for (const connection of connections) {
    const [selected] = await connection.send([["SELECT", db]]);
    if (selected instanceof RespError) throw new Error(`SELECT ${db}: ${selected.message}`);
  }
  let turn = 0;
  const nextConnection = () => connections[turn++ % connections.length]!;
  const token = randomBytes(16).toString("hex");

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== "POST") return reply(res, 405, { error: "only POST" });
    if (req.headers.authorization !== `Bearer ${token}`) return reply(res, 401, { error: "Unauthorized" });
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const path = (req.url ?? "/").split("?")[0]!.replace(/\/+$/, "");
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return reply(res, 400, { error: "invalid JSON body" });
    }
    try {
      if (path === "") {
        const [result] = await nextConnection().send([asCommand(body)]);
        const out = entry(result!, base64);
        return reply(res, "error" in out ? 400 : 200, out);
      }
      if (path === "/pipeline" || path === "/multi-exec") {
        if (!Array.isArray(body) || body.length === 0) throw new Error("expected a non-empty array of commands");
        const commands = body.map(asCommand);
        if (path === "/pipeline") {
          const results = await nextConnection().send(commands);
          return reply(res, 200, results.map((r) => entry(r, base64)));
        }
        const results = await nextConnection().send([["MULTI"], ...commands, ["EXEC"]]);
        const exec = results[results.length - 1]!;
        if (exec instanceof RespError) return reply(res, 400, { error: exec.message });
        if (!Array.isArray(exec)) return reply(res, 400, { error: "transaction aborted" });
        return reply(res, 200, exec.map((r) => entry(r, base64)));
      }
      return reply(res, 404, { error: `unknown path ${path}` });
    } catch (error) {
      return reply(res, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    async flush() {
      const [result] = await nextConnection().send([["FLUSHDB"]]);
      if (result instanceof RespError) throw result;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) connection.close();
    },
  };
}

/** Whether something accepts TCP connections at host:port (used to skip Redis-backed suites). */
export function isReachable(port = 6379, host = "127.0.0.1", timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
