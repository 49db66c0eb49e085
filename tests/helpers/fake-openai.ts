import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer of the fake model, taken in order by each POST /chat/completions. */
export type FakeAnswer =
  | { kind: "answer"; action: "BUY" | "SELL" | "HOLD"; confidence: number; reasoning: string }
  | { kind: "malformed" }
  | { kind: "refusal" }
  | { kind: "timeout" }
  | { kind: "rate_limited" };

export interface FakeRequest {
  authorization: string | undefined;
  body: { model?: string; messages?: { role: string; content: string }[]; response_format?: unknown };
}

export interface FakeOpenAi {
  baseUrl: string;
  requests: FakeRequest[];
  script: (...answers: FakeAnswer[]) => void;
  /** Forgets unused scripted answers and the requests seen. */
  reset: () => void;
  close: () => Promise<void>;
}

const USAGE = { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 };

function completion(res: ServerResponse, model: string | undefined, content: string, extra: Record<string, unknown> = {}) {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: `chatcmpl-${Date.now()}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: model ?? "fake",
      choices: [{ index: 0, message: { role: "assistant", content, ...extra }, finish_reason: "stop" }],
      usage: USAGE,
    }),
  );
}

/**
 * A local stand-in for an OpenAI-compatible API (DeepSeek's shape): POST <base>/chat/completions answers
 * from the script; with the script empty it answers HOLD. A timeout never answers (until closed).
 */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const queue: FakeAnswer[] = [];
  const requests: FakeRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    req.on("end", () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const body = JSON.parse(raw || "{}") as FakeRequest["body"];
      requests.push({ authorization: req.headers.authorization, body });
      const next = queue.shift() ?? { kind: "answer", action: "HOLD", confidence: 0.5, reasoning: "Nothing scripted." };
      switch (next.kind) {
        case "answer":
          return completion(res, body.model, JSON.stringify({ action: next.action, confidence: next.confidence, reasoning: next.reasoning }));
        case "malformed":
          return completion(res, body.model, '{"action": "BUY", "confidence": "very", "reasoning": ');
        case "refusal":
          return completion(res, body.model, "I'm sorry, but I can't provide trading advice.", { refusal: "I can't provide trading advice." });
        case "timeout":
          hanging.add(res);
          return;
        case "rate_limited":
          res.writeHead(429, { "content-type": "application/json", "retry-after": "20" });
          res.end(JSON.stringify({ error: { message: "Rate limit reached", type: "rate_limit_error", code: "rate_limit_exceeded" } }));
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...answers) => queue.push(...answers),
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
