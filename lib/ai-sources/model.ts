import "server-only";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, NoObjectGeneratedError, generateObject } from "ai";
import { z } from "zod";

// The SDK warns on every call that a JSON schema needs structured outputs (DeepSeek offers json_object
// only); the schema is still checked here with zod, so the warning is noise in the log.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export const aiAnswerSchema = z.object({
  action: z.enum(["BUY", "SELL", "HOLD"]),
  confidence: z.number().min(0).max(1),
  reasoning: z.string().min(1).max(4000),
});
export type AiAnswer = z.infer<typeof aiAnswerSchema>;

export type ModelResult =
  | { ok: true; answer: AiAnswer; raw: string; tokensIn: number; tokensOut: number; latencyMs: number }
  | { ok: false; outcome: "malformed" | "refused" | "timeout" | "rate_limited" | "failed"; raw: string | null; error: string; tokensIn: number; tokensOut: number; latencyMs: number };

/** A refusal is an answer with no JSON object in it at all (prose), or one the provider filtered. */
function looksRefused(text: string | undefined, finishReason: string | undefined): boolean {
  if (finishReason === "content-filter") return true;
  return text !== undefined && text.trim() !== "" && !text.includes("{");
}

/** Asks the model once (no retries: the next slot is the retry) for a zod-checked BUY/SELL/HOLD answer. */
export async function askModel(opts: { baseUrl: string; model: string; apiKey: string; prompt: string; timeoutMs: number }): Promise<ModelResult> {
  const provider = createOpenAICompatible({ name: "ai-source", baseURL: opts.baseUrl, apiKey: opts.apiKey, includeUsage: true });
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const result = await generateObject({
      model: provider.chatModel(opts.model),
      schema: aiAnswerSchema,
      prompt: opts.prompt,
      maxRetries: 0,
      temperature: 0,
      abortSignal: AbortSignal.timeout(opts.timeoutMs),
    });
    const body = result.response.body as { choices?: { message?: { content?: string } }[] } | undefined;
    const raw = body?.choices?.[0]?.message?.content ?? JSON.stringify(result.object);
    return { ok: true, answer: result.object, raw, tokensIn: result.usage.inputTokens ?? 0, tokensOut: result.usage.outputTokens ?? 0, latencyMs: elapsed() };
  } catch (error) {
    const latencyMs = elapsed();
    if (NoObjectGeneratedError.isInstance(error)) {
      const tokens = { tokensIn: error.usage?.inputTokens ?? 0, tokensOut: error.usage?.outputTokens ?? 0 };
      const refused = looksRefused(error.text, error.finishReason);
      return { ok: false, outcome: refused ? "refused" : "malformed", raw: error.text ?? null, error: error.message.slice(0, 500), ...tokens, latencyMs };
    }
    const zero = { tokensIn: 0, tokensOut: 0, latencyMs, raw: null };
    if (APICallError.isInstance(error)) {
      if (error.statusCode === 429) return { ok: false, outcome: "rate_limited", error: "429 Too Many Requests", ...zero };
      return { ok: false, outcome: "failed", error: `${error.statusCode ?? "no status"}: ${error.message}`.slice(0, 500), ...zero };
    }
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") return { ok: false, outcome: "timeout", error: `no answer within ${opts.timeoutMs} ms`, ...zero };
    return { ok: false, outcome: "failed", error: (error instanceof Error ? error.message : String(error)).slice(0, 500), ...zero };
  }
}
