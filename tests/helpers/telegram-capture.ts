import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One Bot API call as the capture server received it. */
export interface CapturedCall {
  method: string;
  body: Record<string, unknown>;
}

export interface TelegramFailure {
  status: number;
  description: string;
  retryAfter?: number;
}

export interface TelegramCapture {
  /** Base URL for TELEGRAM_API_BASE / grammY's `client.apiRoot`. */
  url: string;
  calls: CapturedCall[];
  /** The calls of one method (sendMessage, answerCallbackQuery, editMessageText, getMe). */
  of(method: string): CapturedCall[];
  /** Makes the next call of `method` fail the way the Bot API does (`{ ok: false, error_code, ... }`). */
  failNext(method: string, failure: TelegramFailure): void;
  /** Drops the connection of the next call of `method` (a network failure). */
  dropNext(method: string): void;
  clear(): void;
  stop(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A local stand-in for the Telegram Bot API: `POST /bot<token>/<method>` with a JSON body, answered in
 * the API's envelope (`{ ok: true, result }` or `{ ok: false, error_code, description, parameters }`).
 * A wrong token gets the API's 401 "Unauthorized"; unknown methods its 404.
 */
export async function startTelegramCapture({ token, username = "SignalBridgeTestBot" }: { token: string; username?: string }): Promise<TelegramCapture> {
  const calls: CapturedCall[] = [];
  const failures = new Map<string, TelegramFailure>();
  const drops = new Set<string>();
  let messageId = 100;
  const botId = Number(token.split(":")[0]);

  const server = createServer(async (req, res) => {
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const raw = await readBody(req);
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? "");
    if (!match) return reply(404, { ok: false, error_code: 404, description: "Not Found" });
    const [, givenToken, method] = match as unknown as [string, string, string];
    if (givenToken !== token) return reply(401, { ok: false, error_code: 401, description: "Unauthorized" });
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return reply(400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });
      }
    }
    if (drops.delete(method)) return void req.socket.destroy();
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      return reply(failure.status, {
        ok: false,
        error_code: failure.status,
        description: failure.description,
        ...(failure.retryAfter ? { parameters: { retry_after: failure.retryAfter } } : {}),
      });
    }
    calls.push({ method, body });
    const chat = { id: Number(body.chat_id), type: "private" };
    switch (method) {
      case "getMe":
        return reply(200, {
          ok: true,
          result: { id: botId, is_bot: true, first_name: "SignalBridge", username, can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false },
        });
      case "sendMessage":
        if (body.chat_id === undefined || typeof body.text !== "string" || body.text.length === 0) {
          return reply(400, { ok: false, error_code: 400, description: "Bad Request: message text is empty" });
        }
        return reply(200, { ok: true, result: { message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat, text: body.text } });
      case "editMessageText":
        return reply(200, { ok: true, result: { message_id: Number(body.message_id), date: Math.floor(Date.now() / 1000), chat, text: body.text } });
      case "answerCallbackQuery":
        return reply(200, { ok: true, result: true });
      default:
        return reply(404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    of: (method) => calls.filter((c) => c.method === method),
    failNext(method, failure) {
      failures.set(method, failure);
    },
    dropNext(method) {
      drops.add(method);
    },
    clear() {
      calls.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Updates as Telegram sends them to the webhook: a private chat whose id is the user's Telegram id. */
export function telegramUpdates() {
  let next = 1;
  const now = () => Math.floor(Date.now() / 1000);
  const person = (chatId: number, languageCode = "en") => ({ id: chatId, is_bot: false, first_name: `User ${chatId}`, username: `user${chatId}`, language_code: languageCode });
  return {
    text(chatId: number, text: string, opts: { languageCode?: string; chatType?: string } = {}) {
      const command = /^\/\S+/.exec(text)?.[0];
      return {
        update_id: next++,
        message: {
          message_id: next,
          date: now(),
          chat: { id: chatId, type: opts.chatType ?? "private" },
          from: person(chatId, opts.languageCode),
          text,
          ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command.length }] } : {}),
        },
      };
    },
    button(chatId: number, data: string, messageId: number) {
      return {
        update_id: next++,
        callback_query: {
          id: `cb-${next}`,
          from: person(chatId),
          chat_instance: `ci-${chatId}`,
          data,
          message: { message_id: messageId, date: now(), chat: { id: chatId, type: "private" }, text: "…" },
        },
      };
    },
  };
}

/** A POST to the webhook route as Telegram makes it. */
export function webhookRequest(update: unknown, secret: string | null) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
  return new Request("http://localhost/api/telegram/webhook", { method: "POST", headers, body: typeof update === "string" ? update : JSON.stringify(update) });
}
